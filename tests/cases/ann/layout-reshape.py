# case: mistake: W reshaped to the weight's shape instead of transposed
# base: reference
# expect: layout-check=0
# says: layout-check: the weight is W transposed
# %% layout-answer
def linear_from_lesson(W, b):
    n_in, n_units = W.shape
    layer = nn.Linear(n_in, n_units, device=W.device)
    with torch.no_grad():
        layer.weight.copy_(W.reshape(n_units, n_in))
        layer.bias.copy_(b.view(n_units))
    return layer
