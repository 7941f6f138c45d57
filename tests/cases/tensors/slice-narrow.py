# case: correct: narrow (a view of the last k columns), then a strided slice of its rows
# base: reference
# %% slice-answer
def every_other_row(x, k):
    return x.narrow(1, x.shape[1] - k, k)[0::2]
