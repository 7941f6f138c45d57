# case: mistake: differentiates the lesson's d instead of the function f it is given
# base: reference
# expect: gradients-check=0
# says: gradients-check: these are the gradients of the lesson's d, not of f
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    (torch.exp(torch.sin(x * y)) / (x + y)).backward()
    return x.grad.item(), y.grad.item()
