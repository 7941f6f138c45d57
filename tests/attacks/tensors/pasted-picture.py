# case: a correct notebook with a 7 MB picture pasted into a markdown cell (about 9.5 MB in all, under the 50 MiB bound): full marks
# base: reference
# file: pasted-picture
# expect:
