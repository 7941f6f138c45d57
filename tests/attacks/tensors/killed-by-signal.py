# case: a correct submission whose process is killed by SIGKILL after the add check, as the OS would
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: killed by signal SIGKILL

# %% after slice-check
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
