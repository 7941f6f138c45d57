# case: mistake: differentiates with respect to y instead of y_hat
# base: reference
# expect: loss-gradient-check=0
# says: loss-gradient-check: the wrong sign
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    leaf = y.detach().clone().requires_grad_()
    loss_fn(y_hat, leaf).backward()
    return leaf.grad
