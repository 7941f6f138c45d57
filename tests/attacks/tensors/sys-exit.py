# case: a correct submission with a cell that calls sys.exit(): the notebook goes on, full marks
# base: reference
# expect:

# %% after setup
import sys

sys.exit(0)
