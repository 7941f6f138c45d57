# case: mistake: returns an nn.Linear instead of (weight, bias)
# base: reference
# expect: merge-check=0
# says: merge-check: expected (weight, bias)
# %% merge-answer
def merge_linear(first, second):
    layer = nn.Linear(first.in_features, second.out_features)
    with torch.no_grad():
        layer.weight.copy_(second.weight @ first.weight)
        layer.bias.copy_(second.weight @ first.bias + second.bias)
    return layer
