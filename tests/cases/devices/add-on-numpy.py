# case: mistake: adds through NumPy, which holds cpu tensors only, then moves the sum
# base: reference
# expect: add-on-check=0.33
# says: add-on-check: going through NumPy works for tensors on the cpu only
# %% add-on-answer
def add_on(x, y, device):
    return torch.from_numpy(x.numpy() + y.numpy()).to(device)
