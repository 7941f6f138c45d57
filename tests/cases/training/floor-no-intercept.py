# case: mistake: least squares on X alone, a line through the origin
# base: reference
# expect: floor-check=0
# says: floor-check: an intercept b too
# %% floor-answer
def noise_floor(X, Y):
    a = torch.linalg.lstsq(X, Y).solution
    return ((X @ a - Y) ** 2).mean().item()
