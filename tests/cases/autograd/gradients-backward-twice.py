# case: mistake: calls backward() twice on the same graph
# base: reference
# expect: gradients-check=0
# says: gradients-check: backward() was called twice on the same graph
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    out = f(x, y)
    out.backward()
    out.backward()
    return x.grad.item(), y.grad.item()
