# case: mistake: records loss_fn(y, w * x + b) for loss_fn(w * x + b, y): the same value for a symmetric loss, another for an asymmetric one
# base: reference
# expect: fit-check=0
# says: fit-check: the arguments swapped
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(y, w * x + b).item())
        w, b = step_fn(w, b, x, y, lr)
    return w, b, losses
