# case: correct: converged from the slowest start after about 3500 epochs and trains on to the limit at a rate that comes down smoothly (failed the old rule "less than 1% change over the last tenth")
# base: reference
# %% schedule-answer
def choose_schedule():
    return 0.04, 5000
