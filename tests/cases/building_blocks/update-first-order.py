# case: mistake: the loss after the step estimated to first order, J - lr * |grad|^2, not computed at new_w
# base: reference
# expect: update-check=0
# says: update-check: the first-order estimate
# %% update-answer
def step_and_loss(J, w, lr):
    leaf = w.detach().clone().requires_grad_()
    loss = J(leaf)
    loss.backward()
    return (leaf - lr * leaf.grad).detach(), (loss - lr * (leaf.grad ** 2).sum()).item()
