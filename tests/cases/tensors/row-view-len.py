# case: mistake: N counted with len(x), which is the first dimension only: a view of a 1-D x, an error for the others
# base: reference
# expect: row-view-check=0.29
# says: row-view-check: len(x) counts the first dimension only
# %% row-view-answer
def as_row(x):
    return x.view(1, len(x))
