# case: correct: the count summed as a tensor and turned into an int with .item()
# base: reference
# %% count-answer
def count_parameters(model):
    params = list(model.parameters())
    if not params:
        return 0
    return torch.tensor([p.numel() for p in params]).sum().item()
