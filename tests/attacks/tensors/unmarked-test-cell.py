# case: a correct submission that removed a test cell's nbgrader metadata: restored, full marks
# base: reference
# tamper: unmark column-order-check
# expect:
