# case: backprop by autograd through references to torch.autograd.grad, enable_grad and saved_tensors_hooks saved in an earlier cell, before any probe
# base: reference
# expect: backprop-check=0
# says: backprop-check: uses `saved_enable_grad` in line 2 of its answer cell, a name from outside the cell

# %% after setup
saved_grad, saved_enable_grad = torch.autograd.grad, torch.enable_grad
saved_hooks = torch.autograd.graph.saved_tensors_hooks

# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    with saved_enable_grad(), saved_hooks(lambda t: t, lambda t: t):
        params = [p.detach().clone().requires_grad_() for p in (W1, b1, W2, b2)]
        loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
        return saved_grad(loss, params)
