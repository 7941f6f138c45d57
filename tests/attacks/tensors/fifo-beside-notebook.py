# case: a blank resubmission with a FIFO beside the notebook (a copy would hang or fail and keep the earlier grade): 0, the FIFO set aside
# base: release
# fifo: data.csv
# expect:
# says: zeros-check: make_zeros is not implemented yet
