# case: correct: a loop over the points of a, each broadcast against all of b (the task asks for the values)
# base: reference
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    return torch.stack([((point - b) ** 2).sum(dim=1) for point in a])
