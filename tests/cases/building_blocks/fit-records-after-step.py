# case: mistake: records each loss after the step instead of before it
# base: reference
# expect: fit-check=0
# says: fit-check: each loss is recorded after its step
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        w, b = step_fn(w, b, x, y, lr)
        losses.append(loss_fn(w * x + b, y).item())
    return w, b, losses
