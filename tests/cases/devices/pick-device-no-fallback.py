# case: mistake: returns None when no name of preference is available
# base: reference
# expect: pick-device-check=1.75
# says: pick-device-check: when no name of preference is available, return the cpu
# %% pick-device-answer
def pick_device(preference):
    available = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}
    for name in preference:
        if available[name]:
            return torch.device(name)
