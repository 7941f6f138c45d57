# case: mistake: the biases' gradients averaged over the rows, where they sum
# base: reference
# expect: backprop-check=0
# says: backprop-check: its gradient sums over the rows
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    m = X.shape[0]
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return dZ1.T @ X, dZ1.mean(0), dY_hat.T @ A1, dY_hat.mean(0)
