# case: mistake: torch.Tensor(rows, cols), the lesson's "zeros", is uninitialised memory
# base: reference
# expect: zeros-check=0
# says: zeros-check: uninitialised memory
# %% zeros-answer
def make_zeros(rows, cols):
    return torch.Tensor(rows, cols)
