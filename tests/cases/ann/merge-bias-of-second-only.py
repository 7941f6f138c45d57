# case: mistake: the merged bias is second.bias alone
# base: reference
# expect: merge-check=0
# says: merge-check: first.bias passes through second.weight too
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        return second.weight @ first.weight, second.bias.clone()
