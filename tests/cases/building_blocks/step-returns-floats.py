# case: mistake: returns the new w and b as Python floats (.item()), not as scalar tensors (the values are right)
# base: reference
# expect: step-check=3
# says: step-check: new w is a Python float, expected a scalar tensor
# %% step-answer
def gradient_step(w, b, x, y, lr):
    error = w * x + b - y
    new_w = w - lr * (error * x).mean()
    new_b = b - lr * error.mean()
    return new_w.item(), new_b.item()
