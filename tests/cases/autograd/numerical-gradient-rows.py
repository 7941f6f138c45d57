# case: mistake: x[i] with one index, a whole row of a 2-D or 3-D x moved at once (right for a 1-D x only)
# base: reference
# expect: numerical-gradient-check=1.71
# says: numerical-gradient-check: x[i] with one index is a whole row
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    grad = torch.zeros_like(x)
    for i in range(len(x)):
        step = torch.zeros_like(x)
        step[i] = h
        grad[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
