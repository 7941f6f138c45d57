# case: mistake: torch.tensor always copies, so a float32 array's tensor does not share its memory
# base: reference
# expect: from-numpy-check=1.5
# says: from-numpy-check: returned a copy: filling the array with -3.5 after the call left your tensor as it was
# %% from-numpy-answer
def float32_from_numpy(array):
    return torch.tensor(array, dtype=torch.float32)
