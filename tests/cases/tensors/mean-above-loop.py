# case: correct: a loop over the rows, selecting with the mask
# base: reference
# %% mean-above-answer
def mean_above(x, t):
    means = []
    for row in x:
        large = row[row > t]
        means.append(large.mean() if len(large) else torch.zeros((), dtype=x.dtype))
    return torch.stack(means)
