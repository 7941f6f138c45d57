# case: correct: torch.autograd.grad on a detached copy
# base: reference
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    leaf = y_hat.detach().requires_grad_(True)
    (gradient,) = torch.autograd.grad(loss_fn(leaf, y), leaf)
    return gradient
