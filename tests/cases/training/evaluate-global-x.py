# case: mistake: arguments renamed, so it predicts for the notebook's global X
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: uses `X` in line 3 of its answer cell, a name from outside the cell
# %% evaluate-answer
def evaluate(model, inputs, batch_size):
    with torch.no_grad():
        return torch.cat([model(rows) for rows in X.split(batch_size)])
