# case: mistake: a tensor on the cpu, not a NumPy array
# base: reference
# expect: to-numpy-check=0
# says: to-numpy-check: expected a NumPy array, got torch.Tensor
# %% to-numpy-answer
def to_numpy(x):
    return x.detach().cpu()
