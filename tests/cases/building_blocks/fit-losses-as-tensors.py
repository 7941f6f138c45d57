# case: mistake: records each loss as a tensor, not as a Python float (the values are right)
# base: reference
# expect: fit-check=2.25
# says: fit-check: expected a Python float, got a tensor
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(w * x + b, y))
        w, b = step_fn(w, b, x, y, lr)
    return w, b, losses
