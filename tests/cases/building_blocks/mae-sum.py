# case: mistake: the sum of the absolute errors, not their mean
# base: reference
# expect: mae-check=0
# says: mae-check: the sum instead of the mean
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).abs().sum()
