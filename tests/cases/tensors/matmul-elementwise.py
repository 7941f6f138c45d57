# case: mistake: the element-wise product instead of the matrix product
# base: reference
# expect: matmul-check=0
# says: matmul-check: the matrix product is a @ b
# %% matmul-answer
def matrix_product(a, b):
    return a * b
