# case: mistake: math.exp and math.sin on the product: d still requires grad (through x + y), but its gradients are wrong
# base: reference
# expect: compute-d-check=0
# says: compute-d-check: dd/dx after d.backward()
# %% compute-d-answer
def compute_d(x, y):
    return math.exp(math.sin(x * y)) / (x + y)
