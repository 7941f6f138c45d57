# case: mistake: adds first and moves the sum, which fails when the inputs start on different devices
# base: reference
# expect: add-on-check=0.33
# says: add-on-check: the inputs may start on different devices: move both to the device argument first, then add
# %% add-on-answer
def add_on(x, y, device):
    return (x + y).to(device)
