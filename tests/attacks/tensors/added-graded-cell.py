# case: a blank submission that adds its own autograded cell worth 100 points: it earns nothing
# base: release
# tamper: add-graded setup bonus-check 100
# expect:
# says: zeros-check: make_zeros is not implemented yet
