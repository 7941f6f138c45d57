# case: mistake: works on x.data, so the result is cut off from x's graph (the values are right, backpropagation cannot pass through)
# base: reference
# expect: relu-check=0.8
# says: relu-check: your relu's result is cut off from x's graph
# %% relu-answer
def relu(x):
    result = x.data.clone()
    result[result < 0] = 0
    return result
