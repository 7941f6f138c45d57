# case: correct: torch.where for ReLU
# base: reference
# %% relu-answer
def relu(x):
    return torch.where(x > 0, x, torch.zeros_like(x))
