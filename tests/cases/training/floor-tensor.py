# case: mistake: the floor returned as a 0-d tensor, not a Python float
# base: reference
# expect: floor-check=0
# says: floor-check: expected a Python float, got a tensor
# %% floor-answer
def noise_floor(X, Y):
    A = torch.cat([X, torch.ones_like(X)], dim=1)
    return ((A @ torch.linalg.lstsq(A, Y).solution - Y) ** 2).mean()
