# case: correct: the batch flattened into one matrix, multiplied, and viewed as a batch again
# base: reference
# %% batch-product-answer
def batch_times_matrix(x, w):
    batch, n, k = x.shape
    return (x.reshape(batch * n, k) @ w).reshape(batch, n, -1)
