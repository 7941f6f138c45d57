# case: a correct submission that renamed a test cell's grade_id: the real cell is graded, full marks
# base: reference
# tamper: reid column-order-check bonus-check
# expect:
