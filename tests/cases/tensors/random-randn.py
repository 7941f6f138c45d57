# case: mistake: torch.randn (normal) instead of torch.rand (uniform in [0, 1))
# base: reference
# expect: random-check=0
# says: random-check: use torch.rand
# %% random-answer
def make_random(rows, cols):
    return torch.randn(rows, cols)
