# case: mistake: draws the graph without naming the leaves
# base: reference
# expect: draw-graph-check=0
# says: draw-graph-check: params=params
# says: draw-graph-check: leaf x is not named in the drawing
# says: draw-graph-check: the leaves are not named
# %% draw-graph-answer
def draw_graph(output, params):
    return torchviz.make_dot(output)
