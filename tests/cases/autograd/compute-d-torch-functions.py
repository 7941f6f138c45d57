# case: correct: d written with torch.mul, torch.add and torch.div
# base: reference
# %% compute-d-answer
def compute_d(x, y):
    return torch.div(torch.exp(torch.sin(torch.mul(x, y))), torch.add(x, y))
