# case: mistake: returns the values of a, b and c, not their gradients
# base: reference
# expect: intermediate-check=0
# says: intermediate-check: the values of a, b and c, not their gradients
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float32, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float32, requires_grad=True)
    a = x * y
    b = torch.sin(a)
    c = torch.exp(b)
    return a.item(), b.item(), c.item()
