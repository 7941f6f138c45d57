# case: mistake: draws the graph without naming the leaves
# base: reference
# expect: draw-graph-check=0
# says: draw-graph-check: params=params
# %% draw-graph-answer
def draw_graph(output, params):
    return torchviz.make_dot(output)
