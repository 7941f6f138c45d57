# case: correct: the dot product of the flattened matrices, as a (1, 1) tensor
# base: reference
# %% flat-product-answer
def flat_product(m1, m2):
    return torch.dot(m1.reshape(-1), m2.reshape(-1)).reshape(1, 1)
