# case: correct: w and b kept as tensors made with torch.zeros(()), the losses through float()
# base: reference
# %% fit-answer
def fit_line(x, y, lr, steps, loss_fn, step_fn):
    w = torch.zeros(())
    b = torch.zeros(())
    losses = []
    for step in range(steps):
        current = loss_fn(w * x + b, y)
        losses += [float(current)]
        w, b = step_fn(w, b, x, y, lr)
    return (w, b, losses)
