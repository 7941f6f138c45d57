# case: mistake: x @ v, which takes v (B, k) as one matrix
# base: reference
# expect: batch-product-check=0
# says: batch-product-check: x @ v takes v (B, k) as one matrix
# %% batch-product-answer
def batch_times_vectors(x, v):
    return x @ v
