# case: mistake: a new tensor of x's shape and dtype on the device, without x's values
# base: reference
# expect: to-device-check=0
# says: to-device-check: x's values must come along
# %% to-device-answer
def to_device(x, device):
    return torch.zeros_like(x, device=device)
