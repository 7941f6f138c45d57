# case: mistake: the squared differences of every coordinate, never summed
# base: reference
# expect: pairwise-distances-check=0
# says: pairwise-distances-check: sum the squares over the d coordinates
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    return (a[:, None] - b[None]) ** 2
