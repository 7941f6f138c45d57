# case: correct: the old way, through .data (in place, the same memory, autograd does not see it)
# base: reference
# %% sgd-answer
def sgd_step(params, lr):
    for p in [p for p in params if p.grad is not None]:
        p.data -= lr * p.grad
        p.grad.zero_()
