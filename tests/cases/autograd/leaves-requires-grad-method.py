# case: correct: requires_grad_() on a tensor made from a float
# base: reference
# %% leaves-answer
def make_leaves(x_value, y_value):
    return torch.tensor(float(x_value)).requires_grad_(), torch.tensor(float(y_value)).requires_grad_()
