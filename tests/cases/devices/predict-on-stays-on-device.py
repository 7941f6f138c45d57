# case: mistake: the output is left on the device, not brought back to the cpu
# base: reference
# expect: predict-on-check=2
# says: predict-on-check: returned the output on meta: bring it back to the cpu
# %% predict-on-answer
def predict_on(model, x, device):
    model.to(device)
    with torch.no_grad():
        return model(x.to(device))
