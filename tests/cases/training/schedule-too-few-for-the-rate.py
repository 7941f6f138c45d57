# case: mistake: the reference's rate with too few epochs for the slowest starts
# base: reference
# expect: schedule-check=0
# says: schedule-check: not converged yet: the loss is still falling at the end
# %% schedule-answer
def choose_schedule():
    return 0.04, 1500
