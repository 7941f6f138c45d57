# case: mistake: the step of w without x (the gradient of b used for w too)
# base: reference
# expect: step-check=0
# says: step-check: the step of w lacks x
# %% step-answer
def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    return w - lr * error.mean(), b - lr * error.mean()
