# case: mistake: adds in place, changing the caller's x
# base: reference
# expect: add-check=0.67
# says: add-check: changed x
# %% add-answer
def add(x, y):
    x += y
    return x
