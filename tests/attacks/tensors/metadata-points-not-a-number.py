# case: a blank resubmission whose test cell's points are not a number (stock nbgrader keeps the earlier full marks): restored, 0 points
# base: release
# tamper: set-meta slice-check points "all of them"
# expect:
# says: slice-check: is not implemented yet
