# case: mistake: the masked sum divided by all d entries of the row
# base: reference
# expect: mean-above-check=1
# says: mean-above-check: divide by the count of entries greater than t
# %% mean-above-answer
def mean_above(x, t):
    return (x * (x > t)).mean(dim=1)
