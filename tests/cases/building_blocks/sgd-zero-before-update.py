# case: mistake: the gradients reset before the update, so the update moves nothing
# base: reference
# expect: sgd-check=0
# says: sgd-check: was the gradient reset before the update?
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.grad.zero_()
                p -= lr * p.grad
