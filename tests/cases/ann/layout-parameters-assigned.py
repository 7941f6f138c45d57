# case: correct: a layer of the lesson's sizes moved to W's device, its parameters replaced by nn.Parameters
# base: reference
# %% layout-answer
def linear_from_lesson(W, b):
    layer = nn.Linear(W.size(0), W.size(1)).to(W.device)
    layer.weight = nn.Parameter(W.t().contiguous())
    layer.bias = nn.Parameter(b.squeeze(1).clone())
    return layer
