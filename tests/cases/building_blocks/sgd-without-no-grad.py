# case: mistake: the in-place update while autograd records, which PyTorch refuses for a leaf that requires grad
# base: reference
# expect: sgd-check=0
# says: sgd-check: make the update under torch.no_grad()
# %% sgd-answer
def sgd_step(params, lr):
    for p in params:
        if p.grad is not None:
            p -= lr * p.grad
            p.grad.zero_()
