# case: mistake: the two learning rates the wrong way round
# base: reference
# expect: learning-rates-check=0
# says: learning-rates-check: are the two swapped?
# %% learning-rates-answer
def learning_rates():
    return 1.6, 0.001
