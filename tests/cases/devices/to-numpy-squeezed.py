# case: mistake: the array squeezed, which drops x's dimensions of size 1 (full marks before: no hidden x had one)
# base: reference
# expect: to-numpy-check=1.33
# says: to-numpy-check: keep every dimension, those of size 1 too
# %% to-numpy-answer
def to_numpy(x):
    return x.detach().cpu().numpy().squeeze()
