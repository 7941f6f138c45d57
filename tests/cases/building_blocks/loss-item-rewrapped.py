# case: mistake: computes the loss as a Python number and wraps it in a new tensor (the value is right, backward() cannot reach y_hat)
# base: reference
# expect: loss-check=1.5
# says: loss-check: your half_mse's result is cut off from y_hat's graph
# %% loss-answer
def half_mse(y_hat, y):
    total = ((y_hat - y) ** 2).sum().item()
    return torch.tensor(total / (2 * y.numel()), device=y.device)
