# case: mistake: m taken as len(y), the rows, where it counts every entry (right for a vector or a column)
# base: reference
# expect: loss-check=1
# says: loss-check: divided by len(y) = 3, the rows
# %% loss-answer
def half_mse(y_hat, y):
    return ((y_hat - y) ** 2).sum() / (2 * len(y))
