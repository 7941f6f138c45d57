# case: mistake: a floor of 1e-8 under the denominator, so that tiny entries count as agreeing
# base: reference
# expect: relative-error-check=2.18
# says: relative-error-check: with a floor under the denominator
# %% relative-error-answer
def relative_error(a, b):
    scale = torch.clamp(torch.maximum(a.abs(), b.abs()), min=1e-8)
    return ((a - b).abs() / scale).max().item()
