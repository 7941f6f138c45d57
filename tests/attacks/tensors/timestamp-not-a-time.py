# case: a blank resubmission with a timestamp.txt that is not a time (nbgrader fails such a submission and keeps the earlier grade): 0, graded as having no time
# base: release
# text-file: timestamp.txt the day before the deadline, honest
# expect:
# says: zeros-check: make_zeros is not implemented yet
