# case: a correct submission that ignores SIGXCPU and burns CPU without end after the add check
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: of CPU time

# %% after add-check
import signal

signal.signal(signal.SIGXCPU, signal.SIG_IGN)
while True:
    pass
