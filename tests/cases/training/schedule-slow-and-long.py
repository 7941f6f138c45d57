# case: correct: a small learning rate with enough epochs, as a list
# base: reference
# %% schedule-answer
def choose_schedule():
    return [0.03, 5000]
