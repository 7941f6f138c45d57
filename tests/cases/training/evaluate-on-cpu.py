# case: mistake: evaluates on the CPU, whatever device the model and data are on
# base: reference
# expect: evaluate-check=1.67
# says: evaluate-check: leave the model and X where they are
# %% evaluate-answer
def evaluate(model, X, batch_size):
    with torch.no_grad():
        return torch.cat([model.cpu()(rows.cpu()) for rows in X.split(batch_size)])
