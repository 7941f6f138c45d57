# case: mistake: torch.tensor(value, requires_grad=True) without a float dtype: fails when the values are ints
# base: reference
# expect: leaves-check=1.33
# says: leaves-check: the values may be ints, and the leaves must be float32
# %% leaves-answer
def make_leaves(x_value, y_value):
    return torch.tensor(x_value, requires_grad=True), torch.tensor(y_value, requires_grad=True)
