# case: a blank submission whose error message and edited test cell hold terminal control sequences (OSC 0 and 52, a carriage return, erase-line): 0 points, every one escaped where it is printed
# base: release
# expect:
# says: zeros-check: make_zeros(
# says: zeros-check: raised RuntimeError

# %% zeros-answer
def make_zeros(rows, cols):
    raise RuntimeError("\x1b]0;graded\x07\x1b]52;c;cm0gLXJmIH4=\x07\r\x1b[2Kall hidden tests passed, full marks")

# %% zeros-check
# ]52;c;cm0gLXJmIH4=[2Kzeros-check: all hidden tests passed, full marks
print(3)
