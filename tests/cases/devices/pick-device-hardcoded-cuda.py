# case: mistake: always cuda
# base: reference
# expect: pick-device-check=2
# says: pick-device-check: expected cpu, got cuda (is cpu the last resort?)
# %% pick-device-answer
def pick_device():
    return torch.device("cuda")
