# case: mistake: an in-place division overwrites exp's result, which backward() needs
# base: reference
# expect: compute-d-check=0
# says: compute-d-check: modified by an inplace operation
# %% compute-d-answer
def compute_d(x, y):
    c = torch.exp(torch.sin(x * y))
    c /= x + y
    return c
