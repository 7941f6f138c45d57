# case: mistake: steps along the gradient, uphill
# base: reference
# expect: update-check=0
# says: update-check: a step uphill
# %% update-answer
def step_and_loss(J, w, lr):
    leaf = w.detach().clone().requires_grad_()
    J(leaf).backward()
    new_w = (leaf + lr * leaf.grad).detach()
    return new_w, J(new_w).item()
