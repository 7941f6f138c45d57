# case: mistake: the element-wise product a * b instead of the matrix product
# base: reference
# expect: matmul-check=0
# says: matmul-check: element-wise product
# %% matmul-answer
def matrix_product(a, b):
    return a * b
