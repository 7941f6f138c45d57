# case: correct: torch.autograd.grad, each gradient turned into a Python float with .item()
# base: reference
# %% gradients-answer
def gradients(f, x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    df_dx, df_dy = torch.autograd.grad(f(x, y), (x, y))
    return df_dx.item(), df_dy.item()
