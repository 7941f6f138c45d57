# case: mistake: layers without their biases
# base: reference
# expect: sequential-check=0
# says: sequential-check: your layers have weights but no biases
# %% sequential-answer
def make_sequential():
    return nn.Sequential(nn.Linear(1, 3, bias=False), nn.ReLU(), nn.Linear(3, 1, bias=False))
