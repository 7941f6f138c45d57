# case: mistake: steps up the gradient instead of down, which also ruins gradient descent
# base: reference
# expect: step-check=0 fit-check=0
# says: step-check: new w
# says: fit-check: loss before step 2
# %% step-answer
def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    return w + lr * (error * x).mean(), b + lr * error.mean()
