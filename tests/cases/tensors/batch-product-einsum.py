# case: correct: einsum with the shapes written out
# base: reference
# %% batch-product-answer
def batch_times_vectors(x, v):
    return torch.einsum("bnk,bk->bn", x, v)
