# case: correct: reshape on the transposed view, which copies into row order when it must
# base: reference
# %% column-order-answer
def column_order(x):
    return x.T.reshape(x.numel())
