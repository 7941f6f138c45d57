# case: mistake: returns (epochs, lr) instead of (lr, epochs)
# base: reference
# expect: schedule-check=0
# says: schedule-check: expected an int, got float
# %% schedule-answer
def choose_schedule():
    return 1500, 0.05
