# case: mistake: the sum of the squared errors, not their mean
# base: reference
# expect: floor-check=0
# says: floor-check: a sum where a mean (1/n) belongs
# %% floor-answer
def noise_floor(X, Y):
    A = torch.cat([X, torch.ones_like(X)], dim=1)
    residual = A @ torch.linalg.lstsq(A, Y).solution - Y
    return (residual ** 2).sum().item()
