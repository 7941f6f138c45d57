# case: mistake: a good learning rate but far too few epochs (fewer than the 100 the rule reads)
# base: reference
# expect: schedule-check=0
# says: schedule-check: expected an int from 100 to 5000
# %% schedule-answer
def choose_schedule():
    return 0.05, 30
