# case: mistake: reads a.grad, b.grad and c.grad without keeping them: only leaves keep .grad after backward()
# base: reference
# expect: intermediate-check=0
# says: intermediate-check: the .grad of a, b or c is None
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float32, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float32, requires_grad=True)
    a = x * y
    b = torch.sin(a)
    c = torch.exp(b)
    d = c / (x + y)
    d.backward()
    return a.grad.item(), b.grad.item(), c.grad.item()
