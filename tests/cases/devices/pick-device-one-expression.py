# case: correct: one conditional expression and a device made from a string
# base: reference
# %% pick-device-answer
def pick_device():
    return torch.device("cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu")
