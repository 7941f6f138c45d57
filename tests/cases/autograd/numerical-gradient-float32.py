# case: mistake: the gradient made with torch.zeros(x.shape), a float32 tensor, where x is float64
# base: reference
# expect: numerical-gradient-check=0
# says: numerical-gradient-check: expected a float64 tensor, as x is
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    grad = torch.zeros(x.shape)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
