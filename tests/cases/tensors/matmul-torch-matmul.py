# case: correct: the matrix product with torch.matmul
# base: reference
# %% matmul-answer
def matrix_product(a, b):
    return torch.matmul(a, b)
