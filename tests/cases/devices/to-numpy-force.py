# case: correct: numpy(force=True) detaches and copies to the cpu itself
# base: reference
# %% to-numpy-answer
def to_numpy(x):
    return x.numpy(force=True)
