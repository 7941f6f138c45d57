# case: mistake: the forward difference (f(x + h e_i) - f(x)) / h, whose error is of order h
# base: reference
# expect: numerical-gradient-check=0
# says: numerical-gradient-check: the forward difference
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros_like(x)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (f(x + step) - f(x)) / h
    return grad
