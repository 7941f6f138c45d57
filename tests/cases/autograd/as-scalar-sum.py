# case: mistake: y.sum(), right only when v is all ones
# base: reference
# expect: vector-backward-check=0
# says: vector-backward-check: as if v were all ones
# %% vector-backward-answer
def as_scalar(y, v):
    return y.sum()
