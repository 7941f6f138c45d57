# case: mistake: the old reference (0.05, 1500): converges from most starts, but the slow ones are still falling at epoch 1500
# base: reference
# expect: schedule-check=0
# says: schedule-check: not converged yet: the loss is still falling at the end
# %% schedule-answer
def choose_schedule():
    return 0.05, 1500
