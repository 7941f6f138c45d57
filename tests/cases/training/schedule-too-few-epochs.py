# case: mistake: a good learning rate but far too few epochs
# base: reference
# expect: schedule-check=0
# says: schedule-check: it is still falling, so train longer
# %% schedule-answer
def choose_schedule():
    return 0.05, 30
