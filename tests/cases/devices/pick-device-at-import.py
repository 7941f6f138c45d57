# case: mistake: the device is chosen once, when the cell runs, so pick_device() does not ask each time it runs
# base: reference
# expect: pick-device-check=0
# says: pick-device-check: ask both inside the function, each time it runs
# %% pick-device-answer
DEVICE = torch.device("cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu")


def pick_device():
    return DEVICE
