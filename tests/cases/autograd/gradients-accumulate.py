# case: mistake: reuses the same leaves for the same point, so gradients accumulate across calls
# base: reference
# expect: gradients-check=1.5
# says: gradients-check: gradients accumulate in .grad
# %% gradients-answer
_leaves = {}


def gradients(f, x_value, y_value):
    if (x_value, y_value) not in _leaves:
        _leaves[(x_value, y_value)] = (torch.tensor(float(x_value), requires_grad=True), torch.tensor(float(y_value), requires_grad=True))
    x, y = _leaves[(x_value, y_value)]
    f(x, y).backward()
    return x.grad.item(), y.grad.item()
