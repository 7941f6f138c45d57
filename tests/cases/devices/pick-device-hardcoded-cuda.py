# case: mistake: always cuda, whatever the machine offers (right on a cuda machine by accident only, so no branch counts)
# base: reference
# expect: pick-device-check=0
# says: pick-device-check: pick_device() returned cuda whatever torch.cuda.is_available() and torch.backends.mps.is_available() answered
# %% pick-device-answer
def pick_device():
    return torch.device("cuda")
