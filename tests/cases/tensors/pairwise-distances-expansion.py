# case: correct: |a|^2 - 2 a.b + |b|^2, with a matrix product in the middle
# base: reference
# %% pairwise-distances-answer
def pairwise_sq_distances(a, b):
    a_squared = (a ** 2).sum(dim=1, keepdim=True)
    b_squared = (b ** 2).sum(dim=1)
    return a_squared - 2 * (a @ b.T) + b_squared
