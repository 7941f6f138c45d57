# case: mistake: an in-place sin_() overwrites a value that backward() needs
# base: reference
# expect: gradients-check=0
# says: gradients-check: modified by an inplace operation
# %% compute-d-answer
def compute_d(x, y):
    a = x * y
    b = a.sin_()
    return torch.exp(b) / (x + y)
