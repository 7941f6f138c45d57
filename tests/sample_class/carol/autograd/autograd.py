# case: partly wrong: leaves made without requires_grad, so backward() has nothing to differentiate
# base: reference
# expect: leaves-check=0 gradients-check=0
# says: leaves-check: requires_grad should be True
# says: gradients-check: does not require grad

# %% leaves-answer
def make_leaves(x_value, y_value):
    return torch.tensor(x_value), torch.tensor(y_value)
