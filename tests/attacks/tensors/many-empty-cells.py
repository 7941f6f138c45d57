# case: a correct notebook with 60,000 empty code cells at the end (about 6 MB): full marks
# base: reference
# file: many-empty-cells
# expect:
