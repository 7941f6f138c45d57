# case: a correct submission that gave a test cell 100 points: the gradebook's 4 points stand
# base: reference
# tamper: points column-order-check 100
# expect:
