# case: a blank resubmission whose test cell became a raw HTML cell with a script and an attachment (stock nbgrader keeps the earlier full marks): restored as code, 0 points
# base: release
# tamper: raw-with-attachments mean-above-check
# expect:
# says: mean-above-check: is not implemented yet
