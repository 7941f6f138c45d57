# case: mistake: an in-place division overwrites exp's result, which backward() needs
# base: reference
# expect: gradients-check=0
# says: gradients-check: an in-place operation (+=, /=, or a method ending in _) changed a value it needs
# %% compute-d-answer
def compute_d(x, y):
    c = torch.exp(torch.sin(x * y))
    c /= x + y
    return c
