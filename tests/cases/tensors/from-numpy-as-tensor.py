# case: correct: torch.as_tensor with the dtype, which shares when it can and converts when it must
# base: reference
# %% from-numpy-answer
def float32_from_numpy(array):
    return torch.as_tensor(array, dtype=torch.float32)
