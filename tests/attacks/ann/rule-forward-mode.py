# case: backprop by forward-mode autodiff (dual numbers), one directional derivative per weight, which grad mode does not switch off
# base: reference
# expect: backprop-check=0
# says: backprop-check: imports from `torch.autograd` in line 1 of its answer cell

# %% backprop-answer
from torch.autograd import forward_ad as fwd


def backprop(W1, b1, W2, b2, X, Y):
    params = [W1, b1, W2, b2]
    grads = []
    for i, p in enumerate(params):
        g = torch.zeros_like(p).flatten()
        for j in range(p.numel()):
            with fwd.dual_level():
                tangent = torch.zeros_like(p).flatten()
                tangent[j] = 1.0
                duals = [fwd.make_dual(q, tangent.view_as(q)) if k == i else q for k, q in enumerate(params)]
                loss = ((torch.relu(X @ duals[0].T + duals[1]) @ duals[2].T + duals[3] - Y) ** 2).mean()
                g[j] = fwd.unpack_dual(loss).tangent
        grads.append(g.view_as(p))
    return tuple(grads)
