# case: correct: sub_ with alpha under no_grad, and the gradients set to None as zero_grad() does
# base: reference
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is not None:
                p.sub_(p.grad, alpha=lr)
                p.grad = None
