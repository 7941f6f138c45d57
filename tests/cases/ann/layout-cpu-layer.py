# case: mistake: the layer made on the cpu whatever W's device (right on a cpu grader's values, wrong on a GPU)
# base: reference
# expect: layout-check=0
# says: layout-check: build the layer on W's device
# %% layout-answer
def linear_from_lesson(W, b):
    layer = nn.Linear(W.shape[0], W.shape[1])
    with torch.no_grad():
        layer.weight.copy_(W.T)
        layer.bias.copy_(b.flatten())
    return layer
