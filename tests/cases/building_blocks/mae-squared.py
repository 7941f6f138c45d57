# case: mistake: squares the errors (that is the MSE)
# base: reference
# expect: mae-check=0
# says: mae-check: the squared error (MSE)
# %% mae-answer
def mae(y_hat, y):
    return ((y_hat - y) ** 2).mean()
