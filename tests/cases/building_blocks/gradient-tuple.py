# case: mistake: returns torch.autograd.grad's tuple instead of the tensor in it
# base: reference
# expect: loss-gradient-check=0
# says: loss-gradient-check: expected a tensor
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    leaf = y_hat.detach().requires_grad_()
    return torch.autograd.grad(loss_fn(leaf, y), leaf)
