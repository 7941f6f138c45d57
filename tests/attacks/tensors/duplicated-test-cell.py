# case: a correct submission with a test cell duplicated: its points count once
# base: reference
# tamper: duplicate column-order-check
# expect:
