# case: mistake: moves the tensor but also casts it to float32
# base: reference
# expect: to-device-check=0.17
# says: to-device-check: expected dtype torch.float64, got torch.float32
# %% to-device-answer
def to_device(x, device):
    return x.to(device).float()
