# case: mistake: nn.ReLU layers where the task has nn.LeakyReLU
# base: reference
# expect: sequential-check=0.57
# says: sequential-check: a ReLU where the task has a leaky ReLU
# %% sequential-answer
def make_sequential(sizes, negative_slope=0.01):
    layers = [nn.Linear(sizes[0], sizes[1])]
    for a, b in zip(sizes[1:-1], sizes[2:]):
        layers += [nn.ReLU(), nn.Linear(a, b)]
    return nn.Sequential(*layers)
