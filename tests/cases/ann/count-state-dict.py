# case: mistake: counts the entries of the state_dict, buffers included
# base: reference
# expect: count-check=0.83
# says: count-check: BatchNorm1d
# %% count-answer
def count_parameters(model):
    return sum(t.numel() for t in model.state_dict().values())
