# case: mistake: stretched by high and shifted by low, which gives [low, low + high)
# base: reference
# expect: uniform-check=0.17
# says: uniform-check: stretch [0, 1) to the interval's length (high - low), then shift it to start at low
# %% uniform-answer
def make_uniform(rows, cols, low, high):
    return low + high * torch.rand(rows, cols)
