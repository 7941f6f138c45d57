# case: mistake: integer zeros instead of float32
# base: reference
# expect: zeros-check=0
# says: zeros-check: expected dtype torch.float32, got torch.int64
# %% zeros-answer
def make_zeros(rows, cols):
    return torch.zeros(rows, cols, dtype=torch.int64)
