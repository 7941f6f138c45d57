# case: mistake: returns (dd/dc, dd/db, dd/da), the order of the backward pass
# base: reference
# expect: intermediate-check=0
# says: intermediate-check: in the order (dd/dc, dd/db, dd/da)
# %% intermediate-answer
def intermediate_gradients(x_value, y_value):
    x = torch.tensor(float(x_value), requires_grad=True)
    y = torch.tensor(float(y_value), requires_grad=True)
    steps = [x * y]
    steps.append(torch.sin(steps[0]))
    steps.append(torch.exp(steps[1]))
    for step in steps:
        step.retain_grad()
    (steps[2] / (x + y)).backward()
    return tuple(step.grad.item() for step in reversed(steps))
