# case: a correct notebook with other files beside it in the submission folder: full marks
# base: reference
# extra-file: weights.bin 3000000
# extra-file: notes.txt 100
# expect:
