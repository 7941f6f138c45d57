# case: correct: nn.Sequential from an OrderedDict of named layers
# base: reference
# %% sequential-answer
from collections import OrderedDict


def make_sequential():
    return nn.Sequential(OrderedDict([("hidden", nn.Linear(1, 3)), ("relu", nn.ReLU()), ("out", nn.Linear(3, 1))]))
