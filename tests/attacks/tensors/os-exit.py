# case: a correct submission that ends its own process with os._exit() after the add check
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: not graded: your notebook's process ended in cell

# %% after add-check
import os

os._exit(0)
