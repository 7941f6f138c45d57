# case: mistake: the mean of the entries' relative errors, not the largest
# base: reference
# expect: relative-error-check=0
# says: relative-error-check: return the largest
# %% relative-error-answer
def relative_error(a, b):
    scale = torch.maximum(a.abs(), b.abs())
    errors = torch.where(scale > 0, (a - b).abs() / scale, torch.zeros_like(scale))
    return errors.mean().item()
