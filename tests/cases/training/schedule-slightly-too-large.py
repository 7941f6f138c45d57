# case: mistake: a learning rate a little too large (0.045): from some starts the loss comes down, then swings above the floor
# base: reference
# expect: schedule-check=0
# says: schedule-check: the steps overshoot
# %% schedule-answer
def choose_schedule():
    return 0.045, 4000
