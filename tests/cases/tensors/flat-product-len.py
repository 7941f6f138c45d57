# case: mistake: N counted with len(), which is the first dimension only
# base: reference
# expect: flat-product-check=0
# says: flat-product-check: len(x) counts the first dimension only
# %% flat-product-answer
def flat_product(m1, m2):
    return m1.view(1, len(m1)) @ m2.view(len(m2), 1)
