# case: mistake: the gradient reset with p.grad = torch.zeros(p.shape), a float32 tensor on the cpu whatever p is (4/4 on a cpu grader before, 0 on a GPU)
# base: reference
# expect: sgd-check=0
# says: sgd-check: the gradient reset makes a tensor unlike p
# says: sgd-check: the whole cell
# %% sgd-answer
def sgd_step(params, lr):
    with torch.no_grad():
        for p in params:
            if p.grad is None:
                continue
            p -= lr * p.grad
            p.grad = torch.zeros(p.shape)
