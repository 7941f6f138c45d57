# case: a correct notebook that names an R kernel: graded with the course's Python, full marks
# base: reference
# file: wrong-kernel
# expect:
