# case: correct: the gradient from torch.autograd.grad, new_w out of the graph by detach()
# base: reference
# %% update-answer
def step_and_loss(J, w, lr):
    copy = w.clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(J(copy), copy)
    new_w = (copy - lr * grad).detach()
    return new_w, float(J(new_w))
