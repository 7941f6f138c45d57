# case: mistake: the lesson's J_{i+1} = J_i - lr * grad J, summed to make it a number
# base: reference
# expect: update-check=0
# says: update-check: J - lr * sum(grad)
# %% update-answer
def step_and_loss(J, w, lr):
    leaf = w.detach().clone().requires_grad_()
    loss = J(leaf)
    loss.backward()
    return (leaf - lr * leaf.grad).detach(), (loss - lr * leaf.grad.sum()).item()
