# case: a perfect submission (the reference solutions)
# base: reference
# expect:
