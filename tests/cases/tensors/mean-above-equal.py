# case: mistake: entries equal to t counted (>= instead of >)
# base: reference
# expect: mean-above-check=0.5
# says: mean-above-check: entries equal to t were counted
# %% mean-above-answer
def mean_above(x, t):
    mask = x >= t
    return (x * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1)
