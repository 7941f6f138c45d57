# case: mistake: records the notebook's own half_mse instead of the loss_fn passed in
# base: reference
# expect: fit-check=0
# says: fit-check: not of the loss_fn passed in
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(half_mse(w * x + b, y).item())
        w, b = step_fn(w, b, x, y, lr)
    return w, b, losses
