# case: mistake: the column of ones put on the left
# base: reference
# expect: bias-column-check=0
# says: bias-column-check: the ones are the first column
# %% bias-column-answer
def with_bias_column(x):
    return torch.cat([torch.ones_like(x[:, :1]), x], dim=1)
