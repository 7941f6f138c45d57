# case: backprop by autograd reached through getattr with names built at run time, which no reading of names sees
# base: reference
# expect: backprop-check=0
# says: backprop-check: calls getattr() with a name computed at run time in line 5 of its answer cell

# %% backprop-answer
AUTO, BACK = "auto" + "grad", "back" + "ward"


def backprop(W1, b1, W2, b2, X, Y):
    engine = getattr(torch, AUTO)
    keep = getattr(engine.graph, "saved" + "_tensors_hooks")(lambda t: t, lambda t: t)
    with getattr(torch, "enable" + "_grad")(), keep:
        params = [getattr(p.detach().clone(), "requires" + "_grad_")() for p in (W1, b1, W2, b2)]
        loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
        getattr(loss, BACK)()
    return tuple(p.grad for p in params)
