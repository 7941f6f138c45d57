# case: mistake: len(p) for p.numel(): counts only each tensor's first dimension
# base: reference
# expect: count-check=0
# says: count-check: len(p) counts only a tensor's first dimension
# %% count-answer
def count_parameters(model):
    return sum(len(p) for p in model.parameters())
