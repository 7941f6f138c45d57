# case: a blank submission with a forged test cell checksum: 0 points
# base: release
# tamper: checksum zeros-check
# expect:
# says: zeros-check: make_zeros is not implemented yet
