# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
