# case: mistake: the half-MSE gradient written by hand, whatever the loss
# base: reference
# expect: loss-gradient-check=0
# says: loss-gradient-check: loss_gradient(log_cosh, y_hat, y) for shape (8,)
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    return (y_hat - y) / y.numel()
