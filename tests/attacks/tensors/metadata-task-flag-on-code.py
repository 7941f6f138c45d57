# case: a blank resubmission whose code test cell is flagged as a task (stock nbgrader keeps the earlier full marks): restored, 0 points
# base: release
# tamper: set-meta normalize-rows-check task true
# expect:
# says: normalize-rows-check: is not implemented yet
