# case: mistake: a deep copy of the model is moved, the model passed in stays on the cpu
# base: reference
# expect: predict-on-check=2
# says: predict-on-check: the model passed in stayed on cpu
# %% predict-on-answer
import copy


def predict_on(model, x, device):
    moved = copy.deepcopy(model).to(device)
    with torch.no_grad():
        return moved(x.to(device)).cpu()
