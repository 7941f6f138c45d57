# case: mistake: a step of its own, h = 1e-5, whatever h is passed in
# base: reference
# expect: numerical-gradient-check=0
# says: numerical-gradient-check: use the h passed in
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    h = 1e-5
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
