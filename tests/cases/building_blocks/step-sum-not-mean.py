# case: mistake: the gradients as sums, without the 1/m
# base: reference
# expect: step-check=0
# says: step-check: divided by m = 30 one time too few
# %% step-answer
def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    return w - lr * (error * x).sum(), b - lr * error.sum()
