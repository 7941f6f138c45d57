# case: mistake: returns the loss, not its gradient
# base: reference
# expect: loss-gradient-check=0
# says: loss-gradient-check: loss_gradient(log_cosh, y_hat, y) for shape (8,): expected shape (8,)
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    return loss_fn(y_hat, y)
