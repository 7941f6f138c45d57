# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: intermediate-check: intermediate_gradients is not implemented yet
