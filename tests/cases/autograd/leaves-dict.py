# case: mistake: returns a dict of the two leaves, not the pair (x, y) the task asks for
# base: reference
# expect: leaves-check=0
# says: leaves-check: expected a pair (x, y) (a tuple or list of two tensors), got dict
# %% leaves-answer
def make_leaves(x_value, y_value):
    return {"x": torch.tensor(float(x_value), requires_grad=True), "y": torch.tensor(float(y_value), requires_grad=True)}
