# case: the function was renamed (make_zero instead of make_zeros)
# base: reference
# expect: zeros-check=0
# says: zeros-check: make_zeros is not defined in your notebook

# %% zeros-answer
def make_zero(rows, cols):
    return torch.zeros(rows, cols)
