# case: mistake: each column divided by its own sum
# base: reference
# expect: normalize-rows-check=0
# says: normalize-rows-check: each column was divided by its own sum
# %% normalize-rows-answer
def normalize_rows(x):
    return x / x.sum(dim=0, keepdim=True)
