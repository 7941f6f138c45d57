# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: ann-check: MLP is not implemented yet
