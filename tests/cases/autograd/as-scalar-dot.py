# case: correct: the dot product of the flattened y and v
# base: reference
# %% vector-backward-answer
def as_scalar(y, v):
    return torch.dot(v.flatten(), y.flatten())
