# case: mistake: the model is moved, x is not
# base: reference
# expect: predict-on-check=2
# says: predict-on-check: the model and x were on different devices; move both to the device argument
# %% predict-on-answer
def predict_on(model, x, device):
    model.to(device)
    with torch.no_grad():
        return model(x).cpu()
