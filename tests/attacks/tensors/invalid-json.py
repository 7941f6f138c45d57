# case: a notebook file cut off halfway, so it is not valid JSON: 0 with the reason
# base: reference
# file: invalid-json
# expect: zeros-check=0 uniform-check=0 from-numpy-check=0 slice-check=0 column-order-check=0 batch-product-check=0 normalize-rows-check=0 mean-above-check=0 pairwise-distances-check=0
# says: zeros-check: your notebook file could not be read
