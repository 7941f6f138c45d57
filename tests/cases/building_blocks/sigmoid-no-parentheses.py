# case: mistake: 1 / 1 + exp(-x), the denominator without its parentheses
# base: reference
# expect: sigmoid-check=0
# says: sigmoid-check: the denominator needs parentheses
# %% sigmoid-answer
def sigmoid(x):
    return 1 / 1 + torch.exp(-x)
