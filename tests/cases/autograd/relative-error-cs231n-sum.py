# case: mistake: CS231n's variant, |a - b| / max(1e-8, |a| + |b|): the task divides by max(|a|, |b|)
# base: reference
# expect: relative-error-check=0.55
# says: relative-error-check: divided by |a_i| + |b_i|
# %% relative-error-answer
def relative_error(a, b):
    return ((a - b).abs() / torch.clamp(a.abs() + b.abs(), min=1e-8)).max().item()
