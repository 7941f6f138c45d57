# case: partly wrong: no mps branch in pick_device, and model_to_device forgets to return the model
# base: reference
# expect: pick-device-check=1.5 model-to-device-check=0
# says: pick-device-check: expected mps, got cpu (is the mps branch there?)
# says: model-to-device-check: returned None: return the model

# %% pick-device-answer
def pick_device():
    if torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")

# %% model-to-device-answer
def model_to_device(model, device):
    model.to(device)
