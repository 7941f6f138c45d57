# case: correct: NumPy reads a cpu tensor's values itself (np.asarray), after .data and .to("cpu")
# base: reference
# %% to-numpy-answer
def to_numpy(x):
    on_cpu = x.data.to("cpu")
    return np.asarray(on_cpu)
