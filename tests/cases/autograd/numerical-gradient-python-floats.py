# case: correct: a flat copy perturbed entry by entry, the slopes collected as Python floats and made a float64 tensor
# base: reference
# %% numerical-gradient-answer
def numerical_gradient(f, x, h):
    flat = x.flatten().clone()
    slopes = []
    for i in range(len(flat)):
        plus, minus = flat.clone(), flat.clone()
        plus[i] += h
        minus[i] -= h
        slopes.append((float(f(plus.reshape(x.shape))) - float(f(minus.reshape(x.shape)))) / (2 * h))
    return torch.tensor(slopes, dtype=torch.float64).reshape(x.shape)
