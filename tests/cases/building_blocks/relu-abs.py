# case: mistake: the absolute value instead of max(x, 0)
# base: reference
# expect: relu-check=0
# says: relu-check: relu(x) for x of shape (7,)
# %% relu-answer
def relu(x):
    return x.abs()
