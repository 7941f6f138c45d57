# case: correct: padding the last dimension with one 1.0 on the right, where x is
# base: reference
# %% bias-column-answer
def with_bias_column(x):
    return torch.nn.functional.pad(x, (0, 1), value=1.0)
