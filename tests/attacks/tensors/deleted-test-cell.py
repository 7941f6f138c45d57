# case: a correct submission that deleted a test cell: re-added, full marks
# base: reference
# tamper: delete column-order-check
# expect:
