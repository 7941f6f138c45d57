# case: mistake: the 1/m forgotten (the gradient of the sum of squared errors)
# base: reference
# expect: backprop-check=0
# says: backprop-check: keep its 1/m
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y)
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return dZ1.T @ X, dZ1.sum(0), dY_hat.T @ A1, dY_hat.sum(0)
