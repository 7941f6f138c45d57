# case: correct: torch.add, and a flat product written with torch.mm and reshape
# base: reference
# %% add-answer
def add(x, y):
    return torch.add(x, y)

# %% flat-product-answer
def flat_product(m1, m2):
    return torch.mm(m1.reshape(1, -1), m2.reshape(-1, 1))
