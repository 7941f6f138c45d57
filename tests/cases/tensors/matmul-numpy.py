# case: mistake: the matrix product through NumPy, which holds cpu tensors only: 0 on every grading machine (a gate), as on a GPU
# base: reference
# expect: matmul-check=0
# says: matmul-check: going through NumPy works for cpu tensors only
# %% matmul-answer
def matrix_product(a, b):
    return torch.from_numpy(a.numpy() @ b.numpy())
