# case: correct: counts the entries of trainable parameters in a loop
# base: reference
# %% count-answer
def count_parameters(model):
    total = 0
    for parameter in model.parameters():
        if parameter.requires_grad:
            total += parameter.numel()
    return total
