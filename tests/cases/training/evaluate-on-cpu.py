# case: mistake: evaluates on the CPU, whatever device the model and data are on
# base: reference
# expect: evaluate-check=1.33
# says: evaluate-check: leave the model and X where they are
# %% evaluate-answer
def evaluate(model, X):
    with torch.no_grad():
        return model.cpu()(X.cpu())
