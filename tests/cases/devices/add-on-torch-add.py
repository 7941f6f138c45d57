# case: correct: torch.add on moved inputs, and x.to(device=...) with a keyword
# base: reference
# %% to-device-answer
def to_device(x, device):
    return x.to(device=device)

# %% add-on-answer
def add_on(x, y, device):
    return torch.add(x.to(device), y.to(device))
