# case: mistake: torch.tensor(value, requires_grad=True) without a float dtype: fails when the values are ints
# base: reference
# expect: intermediate-check=2.4
# says: intermediate-check: the values may be ints, and only a float tensor can require gradients
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(x_value, requires_grad=True)
    y = torch.tensor(y_value, requires_grad=True)
    a = x * y
    b = torch.sin(a)
    c = torch.exp(b)
    for step in (a, b, c):
        step.retain_grad()
    (c / (x + y)).backward()
    return a.grad.item(), b.grad.item(), c.grad.item()
