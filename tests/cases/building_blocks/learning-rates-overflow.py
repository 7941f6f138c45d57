# case: correct: a too-large learning rate whose loss overflows to nan within the 50 steps (that is growth)
# base: reference
# %% learning-rates-answer
def learning_rates():
    return 0.001, 5.0
