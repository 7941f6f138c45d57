# case: mistake: returns the loss before the step, J(w), beside the right new_w
# base: reference
# expect: update-check=0
# says: update-check: the loss before the step, J(w)
# %% update-answer
def step_and_loss(J, w, lr):
    leaf = w.detach().clone().requires_grad_()
    loss = J(leaf)
    loss.backward()
    return (leaf - lr * leaf.grad).detach(), loss.item()
