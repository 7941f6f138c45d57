# case: correct: torch.func.grad of the loss as a function of y_hat
# base: reference
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    return torch.func.grad(lambda p: loss_fn(p, y))(y_hat.detach())
