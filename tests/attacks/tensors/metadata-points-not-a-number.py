# case: a blank resubmission whose test cell's points are not a number (stock nbgrader keeps the earlier full marks): restored, 0 points
# base: release
# tamper: set-meta add-check points "all of them"
# expect:
# says: add-check: is not implemented yet
