# case: correct: moves each parameter by hand, then returns the model
# base: reference
# %% model-to-device-answer
def model_to_device(model, device):
    for parameter in model.parameters():
        parameter.data = parameter.data.to(device)
    return model
