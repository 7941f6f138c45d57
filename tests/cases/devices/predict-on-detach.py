# case: correct: the graph recorded, then cut off with detach(); the output does not require grad
# base: reference
# %% predict-on-answer
def predict_on(model, x, device):
    output = model.to(device)(x.to(device))
    return output.detach().to("cpu")
