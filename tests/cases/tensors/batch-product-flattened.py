# case: mistake: the batch flattened into one matrix and never viewed as a batch again
# base: reference
# expect: batch-product-check=0
# says: batch-product-check: the B matrices of the result are stacked into one
# %% batch-product-answer
def batch_times_matrix(x, w):
    return x.reshape(-1, x.shape[-1]) @ w
