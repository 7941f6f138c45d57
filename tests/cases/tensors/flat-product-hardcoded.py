# case: mistake: returns the visible check's expected value without computing it
# base: reference
# expect: flat-product-check=0
# says: flat-product-check: flat_product(m1, m2) for m1 of shape (3, 3)
# %% flat-product-answer
def flat_product(m1, m2):
    return torch.tensor([[70.0]])
