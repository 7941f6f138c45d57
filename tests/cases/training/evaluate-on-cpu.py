# case: mistake: evaluates on the CPU, whatever device the model and data are on
# base: reference
# device: cuda
# expect: evaluate-check=0
# says: evaluate-check: your tensor is on cpu, expected cuda
# %% evaluate-answer
def evaluate(model, X):
    with torch.no_grad():
        return model.cpu()(X.cpu())
