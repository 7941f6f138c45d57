# case: mistake: moves and returns a copy of the model, so the model passed in stays where it was
# base: reference
# expect: model-to-device-check=0
# says: model-to-device-check: move that model (model.to(device)), not a copy of it
# %% model-to-device-answer
def model_to_device(model, device):
    import copy
    return copy.deepcopy(model).to(device)
