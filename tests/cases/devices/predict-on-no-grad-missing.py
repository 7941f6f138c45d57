# case: mistake: the output is computed with autograd on, so it requires grad
# base: reference
# expect: predict-on-check=1
# says: predict-on-check: a graph was recorded: compute it under torch.no_grad()
# %% predict-on-answer
def predict_on(model, x, device):
    model.to(device)
    return model(x.to(device)).cpu()
