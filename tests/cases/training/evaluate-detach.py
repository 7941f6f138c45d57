# case: mistake: detaches the predictions after a forward pass that recorded its graph
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: a graph was recorded and detached afterwards
# %% evaluate-answer
def evaluate(model, X):
    return model(X).detach()
