# case: mistake: a learning rate large enough to switch ReLU units off from some starts: the loss stalls far above the floor
# base: reference
# expect: schedule-check=0
# says: schedule-check: the loss stalled at
# %% schedule-answer
def choose_schedule():
    return 0.2, 2000
