# case: mistake: returns the device's name as a string, not a torch.device
# base: reference
# expect: pick-device-check=0
# says: pick-device-check: expected a torch.device, got str
# %% pick-device-answer
def pick_device():
    if torch.cuda.is_available():
        return "cuda"
    if torch.backends.mps.is_available():
        return "mps"
    return "cpu"
