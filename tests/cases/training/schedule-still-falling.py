# case: mistake: a good learning rate, stopped while the loss is still falling towards the noise floor
# base: reference
# expect: schedule-check=0
# says: schedule-check: not converged yet: the loss is still falling at the end
# %% schedule-answer
def choose_schedule():
    return 0.05, 300
