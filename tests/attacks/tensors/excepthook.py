# case: a blank submission that replaces sys.excepthook with one that hides every exception
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import sys

sys.excepthook = lambda *args: None
