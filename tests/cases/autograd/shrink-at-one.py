# case: mistake: halves while the largest |entry| is 1 or more (>=), not greater than 1
# base: reference
# expect: dynamic-check=1.8
# says: dynamic-check: halve only while it is greater than 1
# %% dynamic-answer
def shrink(x):
    y = x
    while y.abs().max() >= 1:
        y = y / 2
    if y.sum() < 0:
        return (y ** 2).sum()
    return y.sum()
