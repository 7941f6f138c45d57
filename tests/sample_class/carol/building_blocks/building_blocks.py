# case: partly wrong: the loss without its 1/2, which also throws off the recorded losses of fit_line
# base: reference
# expect: loss-check=0 fit-check=0
# says: loss-check: is the 1/2 of 1/(2m) there?
# says: fit-check: loss before step 1

# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).mean()
