# case: evaluate with autograd on through a helper of an earlier cell that patches torch.is_grad_enabled and Tensor.requires_grad to say "off" while the model runs
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: evaluate uses `forward_unseen` in line 2 of its answer cell, a name from outside the cell

# %% after setup
def forward_unseen(model, X):
    saved = torch.is_grad_enabled, torch.Tensor.requires_grad
    torch.is_grad_enabled = lambda: False
    torch.Tensor.requires_grad = property(lambda self: False)
    try:
        return model(X)
    finally:
        torch.is_grad_enabled = saved[0]
        del torch.Tensor.requires_grad

# %% evaluate-answer
def evaluate(model, X):
    return forward_unseen(model, X).detach()
