# case: a correct submission whose draw_graph returns an object with a few MB of newlines as its source
# base: reference
# expect: draw-graph-check=0
# says: draw-graph-check: expected at most 100000 characters

# %% after draw-graph-answer
class Drawing:
    source = "\n" * (2 << 20) + "0 [label=x]"


def draw_graph(output, params):
    return Drawing()
