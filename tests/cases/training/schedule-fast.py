# case: correct: a larger learning rate, fewer epochs
# base: reference
# %% schedule-answer
def choose_schedule():
    return 0.1, 800
