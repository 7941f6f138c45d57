# case: mistake: the number of epochs as a float (range() would refuse it)
# base: reference
# expect: schedule-check=0
# says: schedule-check: expected an int, got float
# %% schedule-answer
def choose_schedule():
    return 0.05, 1500.0
