# case: correct: torch.autograd.grad, returning 0-d tensors instead of floats
# base: reference
# %% gradients-answer
def gradients(x_value, y_value):
    x, y = make_leaves(x_value, y_value)
    return torch.autograd.grad(compute_d(x, y), (x, y))
