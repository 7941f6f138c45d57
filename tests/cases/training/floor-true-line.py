# case: mistake: the error of the lesson's line 3X + 2, not of the best line through the data
# base: reference
# expect: floor-check=0
# says: floor-check: the data follow another line
# says: floor-check: the error of the lesson's line 3X + 2, not of the best line
# %% floor-answer
def noise_floor(X, Y):
    return ((3 * X + 2 - Y) ** 2).mean().item()
