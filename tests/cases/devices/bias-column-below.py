# case: mistake: the ones joined below x as a row (dim=0), not on the right as a column
# base: reference
# expect: bias-column-check=0
# says: bias-column-check: the ones were joined below x, as a row
# %% bias-column-answer
def with_bias_column(x):
    return torch.cat([x, torch.ones_like(x[:1, :])], dim=0)
