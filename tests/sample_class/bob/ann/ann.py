# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: ann-check: ANN is not implemented yet
