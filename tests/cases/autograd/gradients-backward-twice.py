# case: mistake: calls backward() twice on the same graph
# base: reference
# expect: gradients-check=0
# says: gradients-check: backward() was called twice on the same graph
# %% gradients-answer
def gradients(x_value, y_value):
    x, y = make_leaves(x_value, y_value)
    d = compute_d(x, y)
    d.backward()
    d.backward()
    return x.grad.item(), y.grad.item()
