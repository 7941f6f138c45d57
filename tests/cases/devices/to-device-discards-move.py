# case: mistake: calls x.to(device) but returns x, which stays where it was
# base: reference
# expect: to-device-check=0
# says: to-device-check: x itself came back
# %% to-device-answer
def to_device(x, device):
    x.to(device)
    return x
