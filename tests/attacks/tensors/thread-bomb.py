# case: a correct submission that starts threads without end after the add check
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: not graded

# %% after add-check
import threading
import time

while True:
    try:
        threading.Thread(target=time.sleep, args=(3600,), daemon=True).start()
    except RuntimeError:
        pass
