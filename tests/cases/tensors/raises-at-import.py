# case: the answer cell raises before it defines the function (an import of a missing package)
# base: reference
# expect: add-check=0
# says: add-check: add is not defined in your notebook

# %% add-answer
import tensorflow as tf


def add(x, y):
    return x + y
