# case: correct: |e| written as the square root of e squared
# base: reference
# %% mae-answer
def mae(y_hat, y):
    return ((y_hat - y) ** 2).sqrt().mean()
