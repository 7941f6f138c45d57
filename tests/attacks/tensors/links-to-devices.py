# case: an honest notebook with data.csv and timestamp.txt linked to /dev/zero, which would fill the grading disk and memory if copied or read: full marks, the links set aside
# base: reference
# link: data.csv /dev/zero
# link: timestamp.txt /dev/zero
# link: urandom.bin /dev/urandom
# expect:
