# case: mistake: returns the gradients of the leaves x and y in place of those of a and b
# base: reference
# expect: intermediate-check=0
# says: intermediate-check: the gradients of the leaves x and y
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float32, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float32, requires_grad=True)
    c = torch.exp(torch.sin(x * y))
    c.retain_grad()
    (c / (x + y)).backward()
    return x.grad.item(), y.grad.item(), c.grad.item()
