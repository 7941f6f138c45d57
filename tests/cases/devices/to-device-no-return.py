# case: mistake: x.to(device) without keeping its result
# base: reference
# expect: to-device-check=0
# says: to-device-check: expected a torch.Tensor, got None
# %% to-device-answer
def to_device(x, device):
    x.to(device)
