# case: correct: the gradient reset with a new tensor like p (its dtype and device)
# base: reference
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.sub_(lr * p.grad)
                p.grad = torch.zeros_like(p)
