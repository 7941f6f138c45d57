# case: mistake: records each loss after the step instead of before it
# base: reference
# expect: fit-check=0
# says: fit-check: loss before step 1
# %% fit-answer
def fit_line(x, y, lr, steps):
    w, b = torch.tensor(0.0), torch.tensor(0.0)
    losses = []
    for _ in range(steps):
        w, b = gradient_step(w, b, x, y, lr)
        losses.append(half_mse(w * x + b, y).item())
    return w, b, losses
