# case: mistake: adds through NumPy, which holds cpu tensors only: 0 on every grading machine (a gate), as on a GPU
# base: reference
# expect: add-check=0
# says: add-check: going through NumPy works for cpu tensors only
# %% add-answer
def add(x, y):
    return torch.from_numpy(x.numpy() + y.numpy())
