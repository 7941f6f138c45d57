# case: a blank submission whose exit handlers print a fake score and write fake result files, then exits
# base: release
# expect:
# says: zeros-check: not graded: your notebook's process ended

# %% after setup
import atexit
import sys

atexit.register(print, "Hidden tests: 5 of 5 passed, 20 of 20 points")
atexit.register(lambda: open("results.json", "w").write('{"score": 20}'))
sys.exit(0)

# %% zeros-answer
import os

os._exit(0)
