# case: mistake: a "too small" learning rate so large that its loss overflows to inf
# base: reference
# expect: learning-rates-check=0
# says: learning-rates-check: that learning rate is too large, not too small
# %% learning-rates-answer
def learning_rates():
    return 3.0, 5.0
