# case: mistake: nn.LeakyReLU() with its default slope, the negative_slope passed in ignored
# base: reference
# expect: sequential-check=1.14
# says: sequential-check: the slope is 0.01 where negative_slope = 0.2 was passed
# %% sequential-answer
def make_sequential(sizes, negative_slope=0.01):
    layers = [nn.Linear(sizes[0], sizes[1])]
    for a, b in zip(sizes[1:-1], sizes[2:]):
        layers += [nn.LeakyReLU(), nn.Linear(a, b)]
    return nn.Sequential(*layers)
