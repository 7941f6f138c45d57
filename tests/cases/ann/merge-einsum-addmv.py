# case: correct: einsum for the weight and addmv for the bias, returned as a list
# base: reference
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        weight = torch.einsum("om,mi->oi", second.weight, first.weight)
        bias = torch.addmv(second.bias, second.weight, first.bias)
    return [weight, bias]
