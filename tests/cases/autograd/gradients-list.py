# case: correct: the pair as a list (the task leaves list or tuple open)
# base: reference
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(x_value, dtype=torch.float32, requires_grad=True)
    y = torch.tensor(y_value, dtype=torch.float32, requires_grad=True)
    f(x, y).backward()
    return [x.grad.item(), y.grad.item()]
