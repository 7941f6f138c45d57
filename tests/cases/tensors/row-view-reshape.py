# case: correct: reshape, which returns a view when the input is contiguous
# base: reference
# %% row-view-answer
def as_row(x):
    return x.reshape(1, x.numel())
