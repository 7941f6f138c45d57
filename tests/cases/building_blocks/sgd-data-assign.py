# case: mistake: p.data = p.data - lr * p.grad puts the new values in new memory, not in place
# base: reference
# expect: sgd-check=0
# says: sgd-check: now lives in new memory
# %% sgd-answer
def sgd_step(params, lr):
    for p in params:
        if p.grad is not None:
            p.data = p.data - lr * p.grad
            p.grad = None
