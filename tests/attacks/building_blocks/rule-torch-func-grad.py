# case: gradient_step by torch.func.grad, which needs no backward() and records nothing on the inference tensors
# base: reference
# expect: step-check=0
# says: step-check: in line 4 of its answer cell, and the task forbids autograd

# %% step-answer
def gradient_step(w, b, x, y, lr):
    def loss(params):
        return (((params[0] * x + params[1] - y) ** 2).mean() / 2)
    grads = torch.func.grad(loss)((w, b))
    return w - lr * grads[0], b - lr * grads[1]
