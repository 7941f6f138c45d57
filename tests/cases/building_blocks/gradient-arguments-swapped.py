# case: mistake: loss_fn(y, y_hat) for loss_fn(y_hat, y): the same value for a symmetric loss, another gradient for an asymmetric one (the pinball loss)
# base: reference
# expect: loss-gradient-check=1.5
# says: loss-gradient-check: the arguments swapped
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    leaf = y_hat.detach().clone().requires_grad_()
    loss_fn(y, leaf).backward()
    return leaf.grad
