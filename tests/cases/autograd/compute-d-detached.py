# case: mistake: computes d from Python numbers, so it has no graph
# base: reference
# expect: compute-d-check=0 gradients-check=0 operation-names-check=1.5 draw-graph-check=1.5
# says: compute-d-check: not connected to the graph
# says: gradients-check: does not require grad
# says: operation-names-check: operation_names(d) for the lesson's d
# says: draw-graph-check: draw_graph for d
# %% compute-d-answer
def compute_d(x, y):
    return torch.tensor(math.exp(math.sin(x.item() * y.item())) / (x.item() + y.item()))
