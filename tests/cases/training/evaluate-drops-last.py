# case: mistake: the last, smaller batch of rows left out
# base: reference
# expect: evaluate-check=0.67
# says: evaluate-check: expected shape
# %% evaluate-answer
def evaluate(model, X, batch_size):
    with torch.no_grad():
        return torch.cat([model(X[i:i + batch_size]) for i in range(0, len(X) - batch_size + 1, batch_size)])
