# case: mistake: leaves of shape (1,), torch.tensor([value]), where the task asks for scalars
# base: reference
# expect: gradients-check=2.4
# says: gradients-check: expected a scalar (shape ())
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor([float(x_value)], requires_grad=True)
    y = torch.tensor([float(y_value)], requires_grad=True)
    f(x, y).backward()
    return x.grad.item(), y.grad.item()
