# case: mistake: leaves made in float64, where the task asks for scalar float32 leaves (the same numbers at these points)
# base: reference
# expect: gradients-check=2.4
# says: gradients-check: the leaf x is float64, expected float32
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float64, requires_grad=True)
    f(x, y).backward()
    return x.grad.item(), y.grad.item()
