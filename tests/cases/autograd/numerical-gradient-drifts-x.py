# case: mistake: x moved in place by +h, -2h and +h: the gradient is right, but x is left off in its last digits
# base: reference
# expect: numerical-gradient-check=3.43
# says: numerical-gradient-check: save the old value and put it back
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    grad = torch.zeros_like(x)
    flat, flat_grad = x.view(-1), grad.view(-1)
    for i in range(flat.numel()):
        flat[i] += h
        f_plus = f(x)
        flat[i] -= 2 * h
        f_minus = f(x)
        flat[i] += h
        flat_grad[i] = (f_plus - f_minus) / (2 * h)
    return grad
