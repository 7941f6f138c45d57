# case: a correct submission with a cell that raises KeyboardInterrupt: the notebook goes on, full marks
# base: reference
# expect:

# %% after setup
raise KeyboardInterrupt
