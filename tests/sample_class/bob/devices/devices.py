# case: a blank submission (the release notebook, unedited)
# base: release
# expect:
# says: pick-device-check: pick_device is not implemented yet
