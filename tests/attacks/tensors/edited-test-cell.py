# case: a correct submission whose visible test cell was replaced: restored from the gradebook, full marks
# base: reference
# tamper: edit zeros-check
# expect:
