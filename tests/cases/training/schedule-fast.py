# case: mistake: a large learning rate and few epochs: from some starts the steps overshoot and the loss swings far above the floor
# base: reference
# expect: schedule-check=0
# says: schedule-check: the steps overshoot: the loss swings between
# %% schedule-answer
def choose_schedule():
    return 0.1, 800
