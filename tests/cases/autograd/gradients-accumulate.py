# case: mistake: reuses the same leaves, so gradients accumulate across calls
# base: reference
# expect: gradients-check=1.6
# says: gradients-check: gradients accumulate in .grad
# %% gradients-answer
_leaves = {}


def gradients(x_value, y_value):
    if (x_value, y_value) not in _leaves:
        _leaves[(x_value, y_value)] = make_leaves(x_value, y_value)
    x, y = _leaves[(x_value, y_value)]
    compute_d(x, y).backward()
    return x.grad.item(), y.grad.item()
