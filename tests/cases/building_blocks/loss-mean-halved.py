# case: correct: the loss as half the mean of squares, and a step written with sums over m
# base: reference
# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).mean() / 2

# %% step-answer
def gradient_step(w, b, x, y, lr):
    m = x.numel()
    error = (w * x + b) - y
    return w - lr * (error * x).sum() / m, b - lr * error.sum() / m
