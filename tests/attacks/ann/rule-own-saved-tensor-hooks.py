# case: backprop by autograd under saved-tensor hooks of its own, which take the place of the grader's refusing ones
# base: reference
# expect: backprop-check=0
# says: backprop-check: uses `enable_grad` in line 2 of its answer cell, and the task forbids autograd

# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    with torch.enable_grad(), torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
        params = [p.detach().clone().requires_grad_() for p in (W1, b1, W2, b2)]
        loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
        loss.backward()
    return tuple(p.grad for p in params)
