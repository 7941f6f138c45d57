# case: a correct submission whose process is killed by SIGKILL after the add check, as the OS would
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: killed by signal SIGKILL

# %% after add-check
import os
import signal

os.kill(os.getpid(), signal.SIGKILL)
