# case: mistake: half the sum of squares, without dividing by m
# base: reference
# expect: loss-check=0
# says: loss-check: divided by m = 10 one time too few
# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).sum() / 2
