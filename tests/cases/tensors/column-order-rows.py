# case: mistake: x read row by row (no transpose)
# base: reference
# expect: column-order-check=0.75
# says: column-order-check: that is x read row by row
# %% column-order-answer
def column_order(x):
    return x.reshape(-1)
