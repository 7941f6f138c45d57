# case: mistake: detaches the predictions after forward passes that recorded their graph
# base: reference
# expect: evaluate-check=1
# says: evaluate-check: a graph was recorded and detached afterwards
# %% evaluate-answer
def evaluate(model, X, batch_size):
    return torch.cat([model(rows).detach() for rows in X.split(batch_size)])
