# case: mistake: .mean() and then 1/(2m) as well, so the loss is divided by m twice
# base: reference
# expect: loss-check=0
# says: loss-check: divided by m = 10 one time too many
# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).mean() / (2 * y.numel())
