# case: a blank resubmission with a link to nothing beside the notebook (nbgrader's copy fails on it and keeps the earlier grade): 0, the link set aside
# base: release
# link: notes.txt no-such-file
# expect:
# says: zeros-check: make_zeros is not implemented yet
