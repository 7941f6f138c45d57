# case: correct: each vector broadcast over its matrix's rows, then summed over k
# base: reference
# %% batch-product-answer
def batch_times_vectors(x, v):
    return (x * v[:, None, :]).sum(dim=-1)
