# case: mistake: a parameter without a gradient (.grad is None) not skipped
# base: reference
# expect: sgd-check=2.4
# says: sgd-check: skip it, as torch.optim.SGD does
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()
