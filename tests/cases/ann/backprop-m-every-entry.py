# case: mistake: m counts every entry of X (X.numel()), right only for one input (the lesson's 1-3-1 case and the ReLU-at-0 case pass)
# base: reference
# expect: backprop-check=2
# says: backprop-check: m counts every entry of X
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    m = X.numel()
    Z1 = X @ W1.T + b1
    A1 = torch.relu(Z1)
    dY_hat = 2 * (A1 @ W2.T + b2 - Y) / m
    dZ1 = (dY_hat @ W2) * (Z1 > 0)
    return dZ1.T @ X, dZ1.sum(0), dY_hat.T @ A1, dY_hat.sum(0)
