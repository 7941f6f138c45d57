# case: correct: an empty tensor filled in place by uniform_, which draws from [low, high)
# base: reference
# %% uniform-answer
def make_uniform(rows, cols, low, high):
    return torch.empty(rows, cols).uniform_(low, high)
