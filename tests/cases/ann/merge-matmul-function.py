# case: correct: torch.matmul on detached weights
# base: reference
# %% merge-answer
def merge_linear(first, second):
    w1, b1 = first.weight.detach(), first.bias.detach()
    w2, b2 = second.weight.detach(), second.bias.detach()
    return torch.matmul(w2, w1), torch.matmul(w2, b1) + b2
