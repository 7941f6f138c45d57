# case: mistake: new_loss as a tensor, not a Python float
# base: reference
# expect: update-check=0
# says: update-check: new_loss
# %% update-answer
def step_and_loss(J, w, lr):
    leaf = w.detach().clone().requires_grad_()
    J(leaf).backward()
    new_w = (leaf - lr * leaf.grad).detach()
    return new_w, J(new_w)
