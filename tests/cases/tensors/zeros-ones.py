# case: mistake: torch.ones instead of torch.zeros
# base: reference
# expect: zeros-check=0
# says: zeros-check: the entries are all 1.0 (torch.ones?)

# %% zeros-answer
def make_zeros(rows, cols):
    return torch.ones(rows, cols)
