# case: a correct submission that turned a test cell into markdown: restored as code, full marks
# base: reference
# tamper: retype column-order-check
# expect:
