# case: correct: the drawing with show_attrs and show_saved (extra labels and saved-tensor nodes)
# base: reference
# %% draw-graph-answer
def draw_graph(output, params):
    return torchviz.make_dot(output, params=params, show_attrs=True, show_saved=True)
