# case: mistake: the mean of v * y, 1/n of the vector-Jacobian product
# base: reference
# expect: vector-backward-check=0
# says: vector-backward-check: 1/n of the vector-Jacobian product (n = 3 entries): a mean where a sum belongs
# %% vector-backward-answer
def as_scalar(y, v):
    return (y * v).mean()
