# case: mistake: X and the noise from a uniform draw scaled to standard deviation 1 (not standard normal)
# base: reference
# expect: data-check=0.6
# says: data-check: standard normal: 0.683
# %% data-answer
def make_data(n):
    X = (torch.rand(n, 1) - 0.5) * 12 ** 0.5
    Y = 3 * X + 2 + 0.1 * (torch.rand(n, 1) - 0.5) * 12 ** 0.5
    return X, Y
