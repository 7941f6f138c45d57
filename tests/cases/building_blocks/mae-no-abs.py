# case: mistake: forgets the absolute value, so errors of opposite signs cancel
# base: reference
# expect: mae-check=0
# says: mae-check: without their absolute value
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).mean()
