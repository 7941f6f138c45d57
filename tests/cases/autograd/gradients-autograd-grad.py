# case: correct: torch.autograd.grad, returning 0-d tensors instead of floats
# base: reference
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    return torch.autograd.grad(f(x, y), (x, y))
