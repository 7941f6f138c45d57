# case: mistake: adds through NumPy, which holds cpu tensors only: the sum leaves the inputs' device
# base: reference
# expect: add-check=0.83
# says: add-check: going through NumPy works for cpu tensors only
# %% add-answer
def add(x, y):
    return torch.from_numpy(x.numpy() + y.numpy())
