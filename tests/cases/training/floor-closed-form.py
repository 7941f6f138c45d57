# case: correct: slope and intercept from the means, variance and covariance, in float64
# base: reference
# %% floor-answer
def noise_floor(X, Y):
    x, y = X.double().flatten(), Y.double().flatten()
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    intercept = y.mean() - slope * x.mean()
    return float(torch.mean((slope * x + intercept - y) ** 2))
