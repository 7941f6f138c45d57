# case: mistake: through a Python list, which forgets float32 (NumPy makes float64 of it)
# base: reference
# expect: to-numpy-check=1
# says: to-numpy-check: the array's dtype is float64, expected float32
# %% to-numpy-answer
def to_numpy(x):
    return np.array(x.tolist())
