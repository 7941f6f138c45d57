# case: correct: torch.cdist's distances, squared
# base: reference
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    return torch.cdist(a, b) ** 2
