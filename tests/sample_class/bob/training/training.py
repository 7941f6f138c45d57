# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: data-check: make_data is not implemented yet
