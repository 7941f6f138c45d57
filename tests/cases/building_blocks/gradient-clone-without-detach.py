# case: mistake: copies y_hat with clone() alone, which stays in y_hat's graph when y_hat requires grad (backward() fills the caller's y_hat.grad)
# base: reference
# expect: loss-gradient-check=2.25
# says: loss-gradient-check: backward() reached the caller's y_hat
# %% loss-gradient-answer
def loss_gradient(loss_fn, y_hat, y):
    leaf = y_hat.clone().requires_grad_()
    loss_fn(leaf, y).backward()
    return leaf.grad
