# case: correct: the predictions in two forward passes over halves of X, both under torch.no_grad()
# base: reference
# %% evaluate-answer
def evaluate(model, X):
    half = len(X) // 2
    with torch.no_grad():
        return torch.cat([model(X[:half]), model(X[half:])])
