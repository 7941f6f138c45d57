# case: mistake: autograd does the work (the task asks for the chain rule by hand)
# base: reference
# expect: backprop-check=0
# says: backprop-check: compute the gradients with the chain rule yourself
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    with torch.enable_grad():
        params = [p.detach().clone().requires_grad_() for p in (W1, b1, W2, b2)]
        loss = nn.MSELoss()(torch.relu(X @ params[0].T + params[1]) @ params[2].T + params[3], Y)
        loss.backward()
    return tuple(p.grad for p in params)
