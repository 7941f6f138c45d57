# case: partly wrong: x read row by row where column order is asked, and a copy where a view is asked
# base: reference
# expect: column-order-check=0.75 slice-check=0
# says: column-order-check: that is x read row by row
# says: slice-check: returned a copy

# %% column-order-answer
def column_order(x):
    """The entries of x (n, d) read column by column, as a 1-D tensor of n * d entries."""
    return x.reshape(-1)

# %% slice-answer
def every_other_row(x, k):
    """The view of x (n, d) holding rows 0, 2, 4, ... and, of those, the last k columns."""
    return x[::2, -k:].clone()
