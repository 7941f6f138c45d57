# case: mistake: adds on a hard-coded "cuda" instead of the device argument
# base: reference
# expect: add-on-check=0
# says: add-on-check: use the device argument, not a hard-coded name
# %% add-on-answer
def add_on(x, y, device):
    return x.to("cuda") + y.to("cuda")
