# case: a correct submission that starts processes in new sessions, each under the per-process limits, together far over the memory limit
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: MiB of memory

# %% after slice-check
import subprocess
import sys
import time

code = "import time\nblock = bytearray(200 * 2**20)\nfor i in range(0, len(block), 4096):\n    block[i] = 1\ntime.sleep(600)"
for _ in range(12):
    subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
time.sleep(30)
