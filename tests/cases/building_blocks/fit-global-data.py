# case: mistake: arguments renamed, so the loop uses the notebook's global x and y instead of the data passed in
# base: reference
# expect: fit-check=0
# says: fit-check: the notebook's global x and y
# %% fit-answer
def fit_line(xs, ys, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(w * x + b, y).item())
        w, b = step_fn(w, b, x, y, lr)
    return w, b, losses
