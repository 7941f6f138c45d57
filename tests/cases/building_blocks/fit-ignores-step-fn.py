# case: mistake: steps with the notebook's own gradient_step instead of the step_fn passed in
# base: reference
# expect: fit-check=0
# says: fit-check: the step_fn passed in was never called
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(w * x + b, y).item())
        w, b = gradient_step(w, b, x, y, lr)
    return w, b, losses
