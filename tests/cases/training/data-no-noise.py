# case: mistake: the targets without their noise
# base: reference
# expect: data-check=0.4
# says: data-check: the noise's standard deviation
# %% data-answer
def make_data(n):
    X = torch.randn(n, 1)
    return X, 3 * X + 2
