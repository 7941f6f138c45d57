# case: mistake: computes d from Python numbers, so it has no graph
# base: reference
# expect: compute-d-check=0
# says: compute-d-check: not connected to the graph
# %% compute-d-answer
def compute_d(x, y):
    return torch.tensor(math.exp(math.sin(x.item() * y.item())) / (x.item() + y.item()))
