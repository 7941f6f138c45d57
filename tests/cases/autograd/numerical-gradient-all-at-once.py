# case: mistake: every entry moved by h at once, the one slope written into every entry
# base: reference
# expect: numerical-gradient-check=0
# says: numerical-gradient-check: every entry moved by h at once
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    slope = (f(x + h) - f(x - h)) / (2 * h)
    return torch.ones_like(x) * slope
