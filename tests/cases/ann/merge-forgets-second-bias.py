# case: mistake: the merged bias misses second.bias
# base: reference
# expect: merge-check=0
# says: merge-check: the merged bias misses second.bias
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        return second.weight @ first.weight, second.weight @ first.bias
