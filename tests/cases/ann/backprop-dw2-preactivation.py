# case: mistake: dW2 taken with the pre-activation Z1 instead of A1 = relu(Z1)
# base: reference
# expect: backprop-check=0
# says: backprop-check: dW2 is taken with the pre-activation Z1
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    m = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return dZ1.T @ X, dZ1.sum(0), dY_hat.T @ Z1, dY_hat.sum(0)
