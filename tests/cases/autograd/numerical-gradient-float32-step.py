# case: mistake: the step made with torch.zeros(x.shape), float32, so x moves by h rounded to float32 (full marks in the hidden tests before, while the notebook's own check failed it)
# base: reference
# expect: numerical-gradient-check=2.29
# says: numerical-gradient-check: x moved by h rounded to float32
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    grad = torch.zeros_like(x)
    for i in range(x.numel()):
        step = torch.zeros(x.shape)
        step.view(-1)[i] = h
        grad.view(-1)[i] = (f(x + step) - f(x - step)) / (2 * h)
    return grad
