# case: partly wrong: the loss without its 1/2 (fit_line, graded with the reference loss, keeps its points)
# base: reference
# expect: loss-check=0
# says: loss-check: is the 1/2 of 1/(2m) there?

# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).mean()
