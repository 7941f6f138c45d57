# case: mistake: the biases added (first.bias + second.bias), as if the second layer did not weigh the first bias
# base: reference
# expect: merge-check=0
# says: merge-check: first.bias is multiplied by second.weight on its way
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        return second.weight @ first.weight, first.bias + second.bias
