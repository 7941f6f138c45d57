# case: correct: ones_like of x's first column copies x's device and dtype
# base: reference
# %% bias-column-answer
def with_bias_column(x):
    return torch.cat([x, torch.ones_like(x[:, :1])], dim=1)
