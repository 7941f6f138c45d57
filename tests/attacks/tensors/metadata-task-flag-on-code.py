# case: a blank resubmission whose code test cell is flagged as a task (stock nbgrader keeps the earlier full marks): restored, 0 points
# base: release
# tamper: set-meta row-view-check task true
# expect:
# says: row-view-check: is not implemented yet
