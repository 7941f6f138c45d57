# case: mistake: names the notebook's global x and y instead of the params argument, so the graph's own leaves go unnamed
# base: reference
# expect: draw-graph-check=0
# says: draw-graph-check: params=params
# %% draw-graph-answer
def draw_graph(output, params):
    return torchviz.make_dot(output, params={"x": x, "y": y})
