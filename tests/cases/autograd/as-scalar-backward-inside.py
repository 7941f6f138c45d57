# case: mistake: calls y.backward(gradient=v) itself and returns the scalar too, so the leaves get the product twice
# base: reference
# expect: vector-backward-check=0
# says: vector-backward-check: twice the expected value
# %% vector-backward-answer
def as_scalar(y, v):
    y.backward(gradient=v, retain_graph=True)
    return (y * v).sum()
