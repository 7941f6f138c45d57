# case: mistake: the signed difference a_i - b_i, not its absolute value (right where the largest difference is positive)
# base: reference
# expect: relative-error-check=1.36
# says: relative-error-check: a signed difference? got 0.0
# says: relative-error-check: a signed difference a_i - b_i: take its absolute value
# %% relative-error-answer
def relative_error(a, b):
    scale = torch.maximum(a.abs(), b.abs())
    errors = torch.where(scale > 0, (a - b) / scale, torch.zeros_like(scale))
    return errors.max().item()
