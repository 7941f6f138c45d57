# case: correct: nn.Module.to moves the model in place, so the model itself is returned after it
# base: reference
# %% model-to-device-answer
def model_to_device(model, device):
    model.to(device)
    return model
