# case: a blank resubmission whose test cells say grade false and solution true (stock nbgrader fails it and keeps the earlier full marks): restored, 0 points
# base: release
# tamper: set-meta zeros-check grade false
# tamper: set-meta uniform-check solution true
# expect:
# says: zeros-check: make_zeros is not implemented yet
# says: uniform-check: is not implemented yet
