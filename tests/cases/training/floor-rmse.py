# case: mistake: the root mean squared error
# base: reference
# expect: floor-check=0
# says: floor-check: no square root
# %% floor-answer
def noise_floor(X, Y):
    A = torch.cat([X, torch.ones_like(X)], dim=1)
    residual = A @ torch.linalg.lstsq(A, Y).solution - Y
    return residual.pow(2).mean().sqrt().item()
