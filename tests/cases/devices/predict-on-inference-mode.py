# case: correct: torch.inference_mode, which records no graph either
# base: reference
# %% predict-on-answer
def predict_on(model, x, device):
    model = model.to(device)
    with torch.inference_mode():
        output = model(x.to(device))
    return output.cpu()
