# case: mistake: the matrix product in the wrong order (first.weight @ second.weight)
# base: reference
# expect: merge-check=0
# says: merge-check: the layer applied last comes first in the product
# %% merge-answer
def merge_linear(first, second):
    with torch.no_grad():
        return first.weight @ second.weight, second.weight @ first.bias + second.bias
