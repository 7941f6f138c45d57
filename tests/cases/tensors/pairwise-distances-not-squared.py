# case: mistake: torch.cdist gives the distances, not their squares
# base: reference
# expect: pairwise-distances-check=0
# says: pairwise-distances-check: your values are the distances, not their squares
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    return torch.cdist(a, b)
