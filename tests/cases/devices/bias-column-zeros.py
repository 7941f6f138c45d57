# case: mistake: a column of zeros
# base: reference
# expect: bias-column-check=0
# says: bias-column-check: the last column should be all 1.0
# %% bias-column-answer
def with_bias_column(x):
    return torch.cat([x, torch.zeros_like(x[:, :1])], dim=1)
