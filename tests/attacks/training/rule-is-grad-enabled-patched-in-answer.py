# case: evaluate with autograd on, torch.is_grad_enabled and Tensor.requires_grad patched to say "off" by the answer itself while the model runs
# base: reference
# expect: evaluate-check=0
# says: evaluate-check: evaluate changes `torch.is_grad_enabled` in line 3 of its answer cell

# %% evaluate-answer
def evaluate(model, X):
    saved = torch.is_grad_enabled
    torch.is_grad_enabled = lambda: False
    torch.Tensor.requires_grad = property(lambda self: False)
    try:
        return model(X).detach()
    finally:
        torch.is_grad_enabled = saved
        del torch.Tensor.requires_grad
