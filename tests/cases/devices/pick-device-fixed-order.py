# case: mistake: the lesson's order (cuda, mps, cpu) whatever preference says
# base: reference
# expect: pick-device-check=1.33
# says: pick-device-check: follow preference's order
# %% pick-device-answer
def pick_device(preference):
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")
