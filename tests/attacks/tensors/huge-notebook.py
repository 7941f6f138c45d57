# case: a correct notebook blown up to 80 MB by one markdown cell: refused with the reason
# base: reference
# file: huge
# expect: zeros-check=0 random-check=0 from-numpy-check=0 add-check=0 matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: zeros-check: over the limit of 50 MiB
