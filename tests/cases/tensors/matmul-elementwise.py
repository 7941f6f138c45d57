# case: mistake: the element-wise product a * b instead of the matrix product (right only when k = 1, an outer product)
# base: reference
# expect: matmul-check=0.67
# says: matmul-check: element-wise product
# %% matmul-answer
def matrix_product(a, b):
    return a * b
