# case: mistake: calls step_fn but drops what it returns, so w and b never move
# base: reference
# expect: fit-check=0
# says: fit-check: keep what step_fn returns
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(w * x + b, y).item())
        step_fn(w, b, x, y, lr)
    return w, b, losses
