# case: correct: einsum and torch.where, the loss's 2/m applied at the end, returned as a list
# base: reference
# %% backprop-answer
def backprop(W1, b1, W2, b2, X, Y):
    hidden_in = torch.addmm(b1, X, W1.t())
    hidden = hidden_in.clamp(min=0)
    residual = hidden @ W2.t() + b2 - Y
    back = torch.where(hidden_in > 0, residual * W2, torch.zeros_like(hidden_in))
    scale = 2.0 / len(X)
    return [scale * torch.einsum("mh,mn->hn", back, X), scale * back.sum(0),
            scale * torch.einsum("mo,mh->oh", residual, hidden), scale * residual.sum(0)]
