# case: correct: nn.Sequential from an OrderedDict of named layers, built in a loop
# base: reference
# %% sequential-answer
from collections import OrderedDict


def make_sequential(sizes, negative_slope=0.01):
    named = OrderedDict()
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i:
            named[f"act{i}"] = nn.LeakyReLU(negative_slope=negative_slope)
        named[f"fc{i}"] = nn.Linear(a, b)
    return nn.Sequential(named)
