# case: mistake: steps the caller's own w in place (the values returned are right, the side effect is not)
# base: reference
# expect: update-check=2.4
# says: update-check: the caller's w now requires grad
# %% update-answer
def step_and_loss(J, w, lr):
    w.requires_grad_()
    J(w).backward()
    with torch.no_grad():
        w -= lr * w.grad
    return w.detach().clone(), J(w).item()
