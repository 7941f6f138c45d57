# case: mistake: returns the final w and b as Python floats (.item()), not as the scalar tensors step_fn gives (the losses are right)
# base: reference
# expect: fit-check=2.25
# says: fit-check: the final w is a Python float, expected a scalar tensor
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        losses.append(loss_fn(w * x + b, y).item())
        w, b = step_fn(w, b, x, y, lr)
    return w.item(), b.item(), losses
