# case: mistake: the step up the gradient, p + lr * p.grad
# base: reference
# expect: sgd-check=0
# says: sgd-check: moved up the gradient
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p += lr * p.grad
                p.grad.zero_()
