# case: mistake: returns the count as a tensor, not as an int
# base: reference
# expect: count-check=0
# says: count-check: expected an int, got Tensor
# %% count-answer
def count_parameters(model):
    return torch.stack([torch.tensor(p.numel()) for p in model.parameters()]).sum()
