# case: mistake: the product of y's values, cut off from y's graph
# base: reference
# expect: vector-backward-check=0
# says: vector-backward-check: not connected to y's graph
# %% vector-backward-answer
def as_scalar(y, v):
    return torch.tensor(float((y.detach() * v).sum()))
