# case: a correct submission that waits forever after the add check, using no CPU
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: your code ran past 15 s in cell

# %% after add-check
import time

while True:
    time.sleep(1)
