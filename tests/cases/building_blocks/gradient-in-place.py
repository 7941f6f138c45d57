# case: mistake: turns on requires_grad on the caller's own y_hat (the values are right, the side effect is not)
# base: reference
# expect: loss-gradient-check=2.25
# says: loss-gradient-check: y_hat.requires_grad after loss_gradient
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    y_hat.requires_grad_()
    loss_fn(y_hat, y).backward()
    return y_hat.grad
