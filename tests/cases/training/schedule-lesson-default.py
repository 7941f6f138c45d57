# case: mistake: keeps the lesson's lr=0.01 and 1000 epochs, where the loss is still falling
# base: reference
# expect: schedule-check=0
# says: schedule-check: not converged yet: the loss is still falling at the end
# %% schedule-answer
def choose_schedule():
    return 0.01, 1000
