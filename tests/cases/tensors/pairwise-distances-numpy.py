# case: mistake: broadcasting in NumPy, which holds cpu tensors only: 0 on every grading machine (a gate), as on a GPU
# base: reference
# expect: pairwise-distances-check=0
# says: pairwise-distances-check: going through NumPy works for cpu tensors only
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    a, b = a.numpy(), b.numpy()
    return torch.from_numpy(((a[:, None, :] - b[None, :, :]) ** 2).sum(axis=2))
