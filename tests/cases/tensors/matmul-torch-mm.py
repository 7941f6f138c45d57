# case: correct: the matrix product with torch.mm
# base: reference
# %% matmul-answer
def matrix_product(a, b):
    return torch.mm(a, b)
