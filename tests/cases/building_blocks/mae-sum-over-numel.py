# case: correct: the sum of absolute errors divided by the number of elements
# base: reference
# %% mae-answer
def mae(y_hat, y):
    return torch.sum(torch.abs(y - y_hat)) / y.numel()
