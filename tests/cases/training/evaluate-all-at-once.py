# case: mistake: one forward pass on all of X, batch_size ignored
# base: reference
# expect: evaluate-check=1
# says: evaluate-check: one forward pass on all
# %% evaluate-answer
def evaluate(model, X, batch_size):
    with torch.no_grad():
        return model(X)
