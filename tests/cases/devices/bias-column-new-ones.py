# case: correct: x.new_ones makes a tensor of x's device and dtype; hstack joins side by side
# base: reference
# %% bias-column-answer
def with_bias_column(x):
    return torch.hstack([x, x.new_ones(len(x), 1)])
