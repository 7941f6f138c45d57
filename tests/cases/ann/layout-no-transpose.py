# case: mistake: W as the weight, as if nn.Linear kept the lesson's layout
# base: reference
# expect: layout-check=0
# says: layout-check: nn.Linear's weight is (n_units, n_in)
# %% layout-answer
def linear_from_lesson(W, b):
    layer = nn.Linear(W.shape[0], W.shape[1], device=W.device)
    layer.weight = nn.Parameter(W.clone())
    layer.bias = nn.Parameter(b.view(-1).clone())
    return layer
