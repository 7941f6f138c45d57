# case: correct: torch.autograd.grad returns the gradients asked for, float64 leaves (the task leaves the dtype open)
# base: reference
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float64, requires_grad=True)
    a = x * y
    b = torch.sin(a)
    c = torch.exp(b)
    grads = torch.autograd.grad(c / (x + y), (a, b, c))
    return tuple(float(g) for g in grads)
