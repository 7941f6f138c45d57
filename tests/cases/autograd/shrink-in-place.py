# case: mistake: halves in place (y /= 2) while y is still the leaf x
# base: reference
# expect: dynamic-check=1.2
# says: dynamic-check: an in-place halving of the leaf x
# %% dynamic-answer
def shrink(x):
    y = x
    while y.abs().max() > 1:
        y /= 2
    if y.sum() < 0:
        return (y ** 2).sum()
    return y.sum()
