# case: mistake: detached but not copied to the cpu: right on a cpu grader, an error on a GPU; 0 on every grading machine (a gate)
# base: reference
# expect: to-numpy-check=0
# says: to-numpy-check: NumPy got a tensor that is not on the cpu
# %% to-numpy-answer
def to_numpy(x):
    return x.detach().numpy()
