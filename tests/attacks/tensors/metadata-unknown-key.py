# case: a blank resubmission with an unknown key in a test cell's nbgrader metadata (stock nbgrader keeps the earlier full marks): dropped, 0 points
# base: release
# tamper: set-meta column-order-check full_marks true
# expect:
# says: column-order-check: is not implemented yet
