# case: mistake: the step without resetting the gradients, which the next backward() would add to
# base: reference
# expect: sgd-check=3.2
# says: sgd-check: or the next backward() adds to it
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p -= lr * p.grad
