# case: mistake: exp(x) instead of exp(-x) in the sigmoid
# base: reference
# expect: sigmoid-check=0
# says: sigmoid-check: sigmoid(x) for x of shape (7,)
# %% sigmoid-answer
def sigmoid(x):
    return 1 / (1 + torch.exp(x))
