# case: partly wrong: pick_device follows the lesson's order, not preference's, and predict_on records a graph
# base: reference
# expect: pick-device-check=1.33 predict-on-check=1
# says: pick-device-check: follow preference's order
# says: predict-on-check: a graph was recorded: compute it under torch.no_grad()

# %% pick-device-answer
def pick_device(preference):
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")

# %% predict-on-answer
def predict_on(model, x, device):
    model.to(device)
    return model(x.to(device)).cpu()
