# case: mistake: returns a Python float instead of a scalar tensor
# base: reference
# expect: mae-check=0
# says: mae-check: expected a torch.Tensor
# %% mae-answer
def mae(y_hat, y):
    return (y_hat - y).abs().mean().item()
