# case: mistake: adds x into y in place (y.add_(x)): the sum is right but the caller's y changed
# base: reference
# expect: add-check=0.67
# says: add-check: y after add(x, y): add changed y
# %% add-answer
def add(x, y):
    return y.add_(x)
