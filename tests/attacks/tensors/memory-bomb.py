# case: a correct submission that allocates memory without end after the add check
# base: reference
# expect: matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: matmul-check: MiB of memory

# %% after add-check
import torch

blocks = []
while True:
    blocks.append(torch.ones(64 * 2**20, dtype=torch.uint8))
