# case: mistake: a negative learning rate (steps up the gradient)
# base: reference
# expect: schedule-check=0
# says: schedule-check: a learning rate must be positive
# %% schedule-answer
def choose_schedule():
    return -0.05, 1500
