# case: mistake: divided by |b_i| alone, so the order of a and b matters
# base: reference
# expect: relative-error-check=1.36
# says: relative-error-check: divided by |b_i| alone
# %% relative-error-answer
def relative_error(a, b):
    errors = torch.where(b != 0, (a - b).abs() / b.abs(), (a - b).abs())
    return errors.max().item()
