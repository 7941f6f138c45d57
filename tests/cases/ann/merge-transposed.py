# case: mistake: the weight transposed, as x @ W would want it
# base: reference
# expect: merge-check=0
# says: merge-check: the merged weight
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        return (second.weight @ first.weight).T, second.weight @ first.bias + second.bias
