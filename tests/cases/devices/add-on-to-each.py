# case: correct: both inputs moved with torch.Tensor.to and added with torch.add
# base: reference
# %% add-on-answer
def add_on(x, y, device):
    x, y = x.to(device=device), y.to(device=device)
    return torch.add(x, y)
