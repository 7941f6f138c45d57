# case: a blank resubmission with an unknown key in a test cell's nbgrader metadata (stock nbgrader keeps the earlier full marks): dropped, 0 points
# base: release
# tamper: set-meta matmul-check full_marks true
# expect:
# says: matmul-check: is not implemented yet
