# case: a correct submission that forks without end after the add check
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: not graded

# %% after add-check
import os

while True:
    try:
        os.fork()
    except OSError:
        pass
