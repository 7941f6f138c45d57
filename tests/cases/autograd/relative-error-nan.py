# case: mistake: no guard for 0/0, so a pair of zeros gives nan
# base: reference
# expect: relative-error-check=1.64
# says: relative-error-check: it should count as 0
# %% relative-error-answer
def relative_error(a, b):
    return ((a - b).abs() / torch.maximum(a.abs(), b.abs())).max().item()
