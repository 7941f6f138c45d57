# case: a correct submission that forks without end after the add check
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: not graded

# %% after slice-check
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
