# case: mistake: the numerator of tanh without its parentheses
# base: reference
# expect: tanh-check=0
# says: tanh-check: the numerator needs parentheses
# %% tanh-answer
def tanh(x):
    return torch.exp(x) - torch.exp(-x) / (torch.exp(x) + torch.exp(-x))
