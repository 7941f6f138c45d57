# case: mistake: returns the device's name as a string, not a torch.device
# base: reference
# expect: pick-device-check=0
# says: pick-device-check: expected a torch.device, got str
# %% pick-device-answer
def pick_device(preference):
    for name in preference:
        if name == "cpu" or (name == "cuda" and torch.cuda.is_available()) or (name == "mps" and torch.backends.mps.is_available()):
            return name
    return "cpu"
