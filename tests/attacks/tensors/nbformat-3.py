# case: a correct notebook saved in the old nbformat 3: converted and graded, full marks
# base: reference
# file: nbformat-3
# expect:
