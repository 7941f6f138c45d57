# case: correct: converged after about 1000 epochs and trains on to the limit (failed the old rule "less than 1% change over the last tenth")
# base: reference
# %% schedule-answer
def choose_schedule():
    return 0.05, 5000
