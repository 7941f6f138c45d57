# case: the answer cell patches torch.no_grad and saved_tensors_hooks to do nothing (they are looked up when the grader's probe runs), then backprop by autograd
# base: reference
# expect: backprop-check=0
# says: backprop-check: imports `contextlib` in line 1 of its answer cell

# %% backprop-answer
import contextlib

torch.no_grad = contextlib.nullcontext
torch.autograd.graph.saved_tensors_hooks = lambda pack, unpack: contextlib.nullcontext()


def backprop(W1, b1, W2, b2, X, Y):
    params = [p.detach().clone().requires_grad_() for p in (W1, b1, W2, b2)]
    loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
    loss.backward()
    return tuple(p.grad for p in params)
