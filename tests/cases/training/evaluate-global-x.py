# case: mistake: arguments renamed, so it predicts for the notebook's global X
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: of the notebook's global X
# %% evaluate-answer
def evaluate(model, inputs):
    with torch.no_grad():
        return model(X)
