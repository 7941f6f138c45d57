# case: mistake: the noise reuses X's draw instead of a second standard-normal draw
# base: reference
# expect: data-check=0.6
# says: data-check: it reuses X's draw
# %% data-answer
def make_data(n):
    X = torch.randn(n, 1)
    Y = 3 * X + 2 + 0.1 * X
    return X, Y
