# case: mistake: torch.mm, the lesson's product, takes 2-D matrices only
# base: reference
# expect: batch-product-check=0
# says: batch-product-check: torch.mm multiplies two 2-D matrices only
# %% batch-product-answer
def batch_times_matrix(x, w):
    return torch.mm(x, w)
