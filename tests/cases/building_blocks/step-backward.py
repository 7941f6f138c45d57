# case: mistake: the step's gradients taken by autograd (backward()), where the task asks for the formulas
# base: reference
# expect: step-check=0
# says: step-check: compute the gradients with the formulas, not with backward()
# %% step-answer
def gradient_step(w, b, x, y, lr):
    w = w.clone().requires_grad_()
    b = b.clone().requires_grad_()
    (((w * x + b - y) ** 2).mean() / 2).backward()
    return (w - lr * w.grad).detach(), (b - lr * b.grad).detach()
