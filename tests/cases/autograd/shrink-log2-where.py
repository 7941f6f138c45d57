# case: correct: the number of halvings from log2, the branch by torch.where (the gradient of the branch taken)
# base: reference
# %% dynamic-answer
def shrink(x):
    largest = float(x.detach().abs().max())
    halvings = math.ceil(math.log2(largest)) if largest > 1 else 0
    y = x / 2 ** halvings
    total = y.sum()
    return torch.where(total < 0, (y ** 2).sum(), total)
