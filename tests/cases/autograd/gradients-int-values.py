# case: mistake: torch.tensor(value, requires_grad=True) without a float dtype: fails when the values are ints
# base: reference
# expect: gradients-check=2.7
# says: gradients-check: the values may be ints, and the leaves must be float32
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(x_value, requires_grad=True)
    y = torch.tensor(y_value, requires_grad=True)
    f(x, y).backward()
    return x.grad.item(), y.grad.item()
