# case: mistake: squeeze() drops the batch or the rows when B or n is 1
# base: reference
# expect: batch-product-check=1.14
# says: batch-product-check: squeeze() removes every dimension of size 1
# %% batch-product-answer
def batch_times_vectors(x, v):
    return torch.bmm(x, v.unsqueeze(2)).squeeze()
