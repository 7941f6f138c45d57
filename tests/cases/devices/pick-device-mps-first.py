# case: mistake: asks for mps before cuda
# base: reference
# expect: pick-device-check=1.5
# says: pick-device-check: expected cuda, got mps (is cuda tried first?)
# %% pick-device-answer
def pick_device():
    if torch.backends.mps.is_available():
        return torch.device("mps")
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")
