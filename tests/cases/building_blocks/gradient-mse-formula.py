# case: mistake: the half-MSE gradient written by hand, whatever the loss
# base: reference
# expect: loss-gradient-check=0.75
# says: loss-gradient-check: loss_gradient(mae
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    return (y_hat - y) / y.numel()
