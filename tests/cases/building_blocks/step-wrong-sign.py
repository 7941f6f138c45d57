# case: mistake: steps up the gradient instead of down (fit_line, graded with the reference step, keeps its points)
# base: reference
# expect: step-check=0
# says: step-check: new w
# %% step-answer
def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    return w + lr * (error * x).mean(), b + lr * error.mean()
