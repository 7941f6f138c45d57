# case: mistake: a - b pairs point i of a with point i of b only
# base: reference
# expect: pairwise-distances-check=0
# says: pairwise-distances-check: a - b pairs point i of a with point i of b only
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    return ((a - b) ** 2).sum(dim=1)
