# case: mistake: the squares for a positive sum and the sum for a negative one (right only for a sum of 0)
# base: reference
# expect: dynamic-check=0.6
# says: dynamic-check: shrink(x) for x = [0.4, -0.9, 0.3]
# %% dynamic-answer
def shrink(x):
    y = x
    while y.abs().max() > 1:
        y = y / 2
    if y.sum() > 0:
        return (y ** 2).sum()
    return y.sum()
