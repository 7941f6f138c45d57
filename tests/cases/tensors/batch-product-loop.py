# case: correct: a loop of 2-D products over the batch, stacked (the task asks for the values, not for no loop)
# base: reference
# %% batch-product-answer
def batch_times_matrix(x, w):
    return torch.stack([torch.mm(matrix, w) for matrix in x])
