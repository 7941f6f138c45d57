# case: mistake: the lesson's bias column kept as it is
# base: reference
# expect: layout-check=0
# says: layout-check: flatten
# %% layout-answer
def linear_from_lesson(W, b):
    layer = nn.Linear(W.shape[0], W.shape[1], device=W.device)
    layer.weight = nn.Parameter(W.T.clone())
    layer.bias = nn.Parameter(b.clone())
    return layer
