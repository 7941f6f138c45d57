# case: mistake: moves each parameter's data by hand: on the meta device (a GPU's stand-in) that fails
# base: reference
# expect: model-to-device-check=0
# says: model-to-device-check: incompatible tensor type
# %% model-to-device-answer
def model_to_device(model, device):
    for parameter in model.parameters():
        parameter.data = parameter.data.to(device)
    return model
