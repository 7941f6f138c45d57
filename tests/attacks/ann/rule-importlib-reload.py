# case: backprop by autograd from torch.autograd imported again through importlib, past whatever was switched off
# base: reference
# expect: backprop-check=0
# says: backprop-check: imports `importlib` in line 1 of its answer cell

# %% backprop-answer
import importlib


def backprop(W1, b1, W2, b2, X, Y):
    autograd = importlib.import_module("torch.autograd")
    graph = importlib.import_module("torch.autograd.graph")
    params = [p.detach().clone() for p in (W1, b1, W2, b2)]
    for p in params:
        p.requires_grad = True
    with autograd.grad_mode.set_grad_enabled(True), graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
        return autograd.grad(loss, params)
