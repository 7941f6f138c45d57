# case: mistake: a (1, N) copy, not a view
# base: reference
# expect: row-view-check=0
# says: row-view-check: returned a copy
# %% row-view-answer
def as_row(x):
    return x.reshape(1, -1).clone()
