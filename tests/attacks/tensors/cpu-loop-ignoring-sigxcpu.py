# case: a correct submission that ignores SIGXCPU and burns CPU without end after the add check
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: of CPU time

# %% after slice-check
import signal

signal.signal(signal.SIGXCPU, signal.SIG_IGN)
while True:
    pass
