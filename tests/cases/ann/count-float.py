# case: mistake: returns the count as a float (a sum started at 0.0), not as an int
# base: reference
# expect: count-check=0
# says: count-check: expected an int, got float
# %% count-answer
def count_parameters(model):
    return sum((p.numel() for p in model.parameters()), 0.0)
