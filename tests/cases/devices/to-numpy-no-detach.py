# case: mistake: copied to the cpu but not detached: an error for a tensor that requires grad
# base: reference
# expect: to-numpy-check=1
# says: to-numpy-check: x requires grad, so cut it off the graph
# %% to-numpy-answer
def to_numpy(x):
    return x.cpu().numpy()
