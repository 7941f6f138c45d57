# case: correct: torch.full with 0.0 and a shape tuple
# base: reference
# %% zeros-answer
def make_zeros(rows, cols):
    return torch.full((rows, cols), 0.0)
