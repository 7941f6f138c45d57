# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: relu-check: relu is not implemented yet
