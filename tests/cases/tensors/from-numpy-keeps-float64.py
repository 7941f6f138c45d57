# case: mistake: torch.from_numpy alone shares memory but keeps the array's dtype (float64, int64)
# base: reference
# expect: from-numpy-check=1.5
# says: from-numpy-check: torch.from_numpy keeps the array's dtype
# %% from-numpy-answer
def float32_from_numpy(array):
    return torch.from_numpy(array)
