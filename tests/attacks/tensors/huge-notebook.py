# case: a correct notebook blown up to 80 MB by one markdown cell: refused with the reason
# base: reference
# file: huge
# expect: zeros-check=0 uniform-check=0 from-numpy-check=0 slice-check=0 column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: zeros-check: over the limit of 50 MiB
