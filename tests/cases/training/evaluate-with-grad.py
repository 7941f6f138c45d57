# case: mistake: evaluates with gradient tracking on
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: compute them inside torch.no_grad()
# %% evaluate-answer
def evaluate(model, X):
    return model(X)
