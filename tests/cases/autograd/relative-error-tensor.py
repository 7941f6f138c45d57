# case: mistake: the largest relative error as a 0-d tensor, not a Python float
# base: reference
# expect: relative-error-check=0
# says: relative-error-check: expected a Python float
# %% relative-error-answer
def relative_error(a, b):
    scale = torch.maximum(a.abs(), b.abs())
    return torch.where(scale > 0, (a - b).abs() / scale, torch.zeros_like(scale)).max()
