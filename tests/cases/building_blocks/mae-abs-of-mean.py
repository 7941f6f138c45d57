# case: mistake: the absolute value of the mean error, taken after averaging
# base: reference
# expect: mae-check=0
# says: mae-check: mae(y_hat, y) for shape
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).mean().abs()
