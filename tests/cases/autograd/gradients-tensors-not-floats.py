# case: mistake: returns the gradients as 0-d tensors (x.grad, y.grad), not as the Python floats the task asks for
# base: reference
# expect: gradients-check=0
# says: gradients-check: expected a Python float, got a tensor of shape ()
# says: gradients-check: .item() turns a one-element tensor into a float
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    f(x, y).backward()
    return x.grad, y.grad
