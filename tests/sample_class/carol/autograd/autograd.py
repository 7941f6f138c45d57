# case: partly wrong: reads the gradients of a, b and c without keeping them (gradients, graded with functions of its own, keeps its points)
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
    (c / (x + y)).backward()
    return a.grad.item(), b.grad.item(), c.grad.item()
