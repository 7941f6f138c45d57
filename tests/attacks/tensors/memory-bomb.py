# case: a correct submission that allocates memory without end after the add check
# base: reference
# expect: column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: column-order-check: MiB of memory

# %% after slice-check
import torch

blocks = []
while True:
    blocks.append(torch.ones(64 * 2**20, dtype=torch.uint8))
