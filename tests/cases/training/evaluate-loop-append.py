# case: correct: a loop over the starts of the batches, the predictions appended and joined with torch.cat
# base: reference
# %% evaluate-answer
def evaluate(model, X, batch_size):
    predictions = []
    with torch.no_grad():
        for start in range(0, X.shape[0], batch_size):
            predictions.append(model(X[start:start + batch_size]))
    return torch.cat(predictions, dim=0)
