# case: a correct submission that ends its own process with os._exit() after the add check
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: not graded: your notebook's process ended in cell

# %% after slice-check
import os

os._exit(0)
