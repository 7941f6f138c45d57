# case: mistake: counts the weight matrices' entries and forgets the biases
# base: reference
# expect: count-check=0.17
# says: count-check: count_parameters of
# %% count-answer
def count_parameters(model):
    return sum(p.numel() for name, p in model.named_parameters() if "bias" not in name)
