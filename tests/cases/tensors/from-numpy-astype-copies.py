# case: mistake: astype copies even when the array already is float32
# base: reference
# expect: from-numpy-check=1.5
# says: from-numpy-check: returned a copy
# %% from-numpy-answer
def float32_from_numpy(array):
    return torch.from_numpy(array.astype(np.float32))
