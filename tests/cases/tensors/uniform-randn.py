# case: mistake: torch.randn (normal) stretched and shifted, instead of torch.rand (uniform in [0, 1))
# base: reference
# expect: uniform-check=0
# says: uniform-check: stretch [0, 1) to the interval's length
# %% uniform-answer
def make_uniform(rows, cols, low, high):
    return low + (high - low) * torch.randn(rows, cols)
