# case: mistake: the factors of the weights' products in the wrong order (gradients transposed)
# base: reference
# expect: backprop-check=0
# says: backprop-check: the transpose of its parameter's
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    m = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return X.T @ dZ1, dZ1.sum(0), A1.T @ dY_hat, dY_hat.sum(0)
