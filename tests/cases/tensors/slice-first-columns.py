# case: mistake: the first k columns instead of the last
# base: reference
# expect: slice-check=0.25
# says: slice-check: these are the first 2 columns; take the last k
# %% slice-answer
def every_other_row(x, k):
    return x[::2, :k]
