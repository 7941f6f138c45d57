# case: mistake: a row with no entry greater than t gives 0 / 0, nan
# base: reference
# expect: mean-above-check=0
# says: mean-above-check: such a row's mean is 0.0
# %% mean-above-answer
def mean_above(x, t):
    mask = x > t
    return (x * mask).sum(dim=1) / mask.sum(dim=1)
