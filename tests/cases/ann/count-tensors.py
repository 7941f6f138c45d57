# case: mistake: counts the parameter tensors, not their entries
# base: reference
# expect: count-check=0
# says: count-check: the number of parameter tensors
# %% count-answer
def count_parameters(model):
    return len(list(model.parameters()))
