# case: gradient_step by torch.func.grad reached through a match statement's class pattern, an attribute read no Attribute node shows
# base: reference
# expect: step-check=0
# says: step-check: uses `func` in line 5 of its answer cell, and the task forbids autograd

# %% step-answer
def gradient_step(w, b, x, y, lr):
    def loss(params):
        return ((params[0] * x + params[1] - y) ** 2).mean() / 2
    match torch:
        case object(func=transforms):
            grads = transforms.grad(loss)((w, b))
    return w - lr * grads[0], b - lr * grads[1]
