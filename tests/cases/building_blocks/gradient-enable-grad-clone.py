# case: correct: a clone made a leaf under enable_grad, the gradient detached
# base: reference
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    with torch.enable_grad():
        leaf = torch.tensor(y_hat.tolist(), dtype=y_hat.dtype, device=y_hat.device, requires_grad=True)
        loss = loss_fn(leaf, y)
        loss.backward()
    return leaf.grad.detach()
