# case: mistake: evaluates with gradient tracking on
# base: reference
# expect: evaluate-check=1
# says: evaluate-check: compute them inside torch.no_grad()
# %% evaluate-answer
def evaluate(model, X, batch_size):
    return torch.cat([model(rows) for rows in X.split(batch_size)])
