# case: a blank submission whose test cells were replaced by "print(3)": restored, 0 points
# base: release
# tamper: edit zeros-check print(3)
# tamper: edit column-order-check print(4)
# expect:
# says: zeros-check: make_zeros is not implemented yet
