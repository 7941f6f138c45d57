# case: mistake: the gradient passed through the ReLU unchanged (its derivative forgotten)
# base: reference
# expect: backprop-check=0
# says: backprop-check: the ReLU's derivative is 0 where its input Z1 is not positive
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    m = X.shape[0]
    A1 = torch.relu(X @ W1.T + b1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = dY_hat @ W2
    return dZ1.T @ X, dZ1.sum(0), dY_hat.T @ A1, dY_hat.sum(0)
