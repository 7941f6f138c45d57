# case: mistake: p = p - lr * p.grad makes a new tensor; the caller's parameters do not move
# base: reference
# expect: sgd-check=0
# says: sgd-check: p = p - lr * p.grad makes a new tensor
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p = p - lr * p.grad
                p.grad = None
