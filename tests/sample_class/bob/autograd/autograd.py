# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: leaves-check: make_leaves is not implemented yet
