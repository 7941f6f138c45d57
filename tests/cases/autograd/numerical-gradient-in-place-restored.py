# case: correct: CS231n's way, on x itself: each entry moved by +h and -h in place, its old value put back
# base: reference
# %% numerical-gradient-answer
import itertools


def numerical_gradient(f, x, h):
    grad = torch.zeros_like(x)
    for index in itertools.product(*[range(n) for n in x.shape]):
        old = x[index].item()
        x[index] = old + h
        f_plus = f(x).item()
        x[index] = old - h
        f_minus = f(x).item()
        x[index] = old
        grad[index] = (f_plus - f_minus) / (2 * h)
    return grad
