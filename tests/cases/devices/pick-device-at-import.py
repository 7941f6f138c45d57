# case: mistake: the availability is asked once, when the cell runs, so pick_device does not ask each time it runs
# base: reference
# expect: pick-device-check=0
# says: pick-device-check: ask both inside the function, each time it runs
# %% pick-device-answer
AVAILABLE = {"cuda": torch.cuda.is_available(), "mps": torch.backends.mps.is_available(), "cpu": True}


def pick_device(preference):
    for name in preference:
        if AVAILABLE[name]:
            return torch.device(name)
    return torch.device("cpu")
