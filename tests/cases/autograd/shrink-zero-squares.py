# case: mistake: takes the squares for a sum of 0 too (<= 0), which is not negative
# base: reference
# expect: dynamic-check=2.4
# says: dynamic-check: only a negative sum (< 0) takes the squares
# %% dynamic-answer
def shrink(x):
    y = x
    while y.abs().max() > 1:
        y = y / 2
    if y.sum() <= 0:
        return (y ** 2).sum()
    return y.sum()
