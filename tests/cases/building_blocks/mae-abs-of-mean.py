# case: mistake: the absolute value of the mean error, taken after averaging
# base: reference
# expect: mae-check=0
# says: mae-check: the absolute value of the mean error
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).mean().abs()
