# case: mistake: the row sums without keepdim, which line up with the columns
# base: reference
# expect: normalize-rows-check=0.29
# says: normalize-rows-check: keep the summed dimension (keepdim=True)
# %% normalize-rows-answer
def normalize_rows(x):
    return x / x.sum(dim=1)
