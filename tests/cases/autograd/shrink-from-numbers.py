# case: mistake: computes on Python numbers (.tolist()) and returns a new tensor, so backward() does not reach x
# base: reference
# expect: dynamic-check=0
# says: dynamic-check: not connected to x's graph
# %% dynamic-answer
def shrink(x):
    y = x.tolist()
    while max(abs(v) for v in y) > 1:
        y = [v / 2 for v in y]
    total = sum(y) if sum(y) >= 0 else sum(v * v for v in y)
    return torch.tensor(total, device=x.device)
