# case: correct: NumPy converts first, with copy=False so that a float32 array is not copied
# base: reference
# %% from-numpy-answer
def float32_from_numpy(array):
    converted = array.astype(np.float32, copy=False)
    return torch.from_numpy(converted)
