# case: mistake: the sum of absolute errors divided by len(y), the rows, not by every entry (right for a vector or a column)
# base: reference
# expect: mae-check=1
# says: mae-check: divided by len(y) = 3, the rows
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).abs().sum() / len(y)
