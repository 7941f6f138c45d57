# case: correct: torch's own l1_loss
# base: reference
# %% mae-answer
def mae(y_hat, y):
    return torch.nn.functional.l1_loss(y_hat, y)
