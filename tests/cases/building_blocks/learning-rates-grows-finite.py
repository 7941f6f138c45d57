# case: correct: a too-large learning rate whose loss grows but stays finite within the 50 steps
# base: reference
# %% learning-rates-answer
def learning_rates():
    return 0.001, 1.6
