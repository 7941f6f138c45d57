# case: a notebook file cut off halfway, so it is not valid JSON: 0 with the reason
# base: reference
# file: invalid-json
# expect: zeros-check=0 random-check=0 from-numpy-check=0 add-check=0 matmul-check=0 batch-product-check=0 row-view-check=0 flat-product-check=0 pairwise-distances-check=0
# says: zeros-check: your notebook file could not be read
