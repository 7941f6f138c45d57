# case: mistake: view on the transposed tensor, which is not contiguous
# base: reference
# expect: column-order-check=0.75
# says: column-order-check: x.t() is not contiguous, so view cannot flatten it
# %% column-order-answer
def column_order(x):
    return x.t().view(-1)
