# case: a correct submission that waits forever after the add check, using no CPU
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: your code ran past 15 s in cell

# %% after slice-check
import time

while True:
    time.sleep(1)
