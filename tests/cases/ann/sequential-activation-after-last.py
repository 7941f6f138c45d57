# case: mistake: a LeakyReLU after the output layer too
# base: reference
# expect: sequential-check=0.29
# says: sequential-check: a LeakyReLU follows the last Linear
# %% sequential-answer
def make_sequential(sizes, negative_slope=0.01):
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.LeakyReLU(negative_slope)]
    return nn.Sequential(*layers)
