# case: gradient_step by backward() on clones of x and y, which are no inference tensors (torch's own error message suggests the clone)
# base: reference
# expect: step-check=0
# says: step-check: compute the gradients with the formulas, not with backward()

# %% step-answer
def gradient_step(w, b, x, y, lr):
    x, y = x.clone(), y.clone()
    with torch.enable_grad():
        w_, b_ = w.detach().clone().requires_grad_(), b.detach().clone().requires_grad_()
        (((w_ * x + b_ - y) ** 2).mean() / 2).backward()
    return (w - lr * w_.grad).detach(), (b - lr * b_.grad).detach()
