# case: correct: the row sums made a column with unsqueeze
# base: reference
# %% normalize-rows-answer
def normalize_rows(x):
    return x / x.sum(1).unsqueeze(1)
