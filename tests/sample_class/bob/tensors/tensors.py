# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet
