# case: mistake: a learning rate so large that the loss explodes
# base: reference
# expect: schedule-check=0
# says: schedule-check: the loss overflowed to nan or inf
# %% schedule-answer
def choose_schedule():
    return 1.0, 500
