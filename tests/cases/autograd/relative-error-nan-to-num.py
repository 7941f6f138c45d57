# case: correct: every entry divided, the 0/0 entries' NaN turned into 0 afterwards
# base: reference
# %% relative-error-answer
def relative_error(a, b):
    errors = (a - b).abs() / torch.max(a.abs(), b.abs())
    return float(torch.nan_to_num(errors, nan=0.0).max())
