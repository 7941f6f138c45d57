# case: the answer cell raises before it defines the function (an import of a missing package)
# base: reference
# expect: slice-check=0
# says: slice-check: every_other_row is not defined in your notebook

# %% slice-answer
import tensorflow as tf


def every_other_row(x, k):
    return x[::2, -k:]
