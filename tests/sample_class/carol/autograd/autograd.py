# case: partly wrong: leaves made without requires_grad (gradients, graded with leaves of its own, keeps its points)
# base: reference
# expect: leaves-check=0
# says: leaves-check: requires_grad should be True

# %% leaves-answer
def make_leaves(x_value, y_value):
    return torch.tensor(x_value), torch.tensor(y_value)
