# case: mistake: the Sequential without its nn.ReLU() layer
# base: reference
# expect: sequential-check=0
# says: sequential-check: should hold the layers Linear, ReLU, Linear
# %% sequential-answer
def make_sequential():
    return nn.Sequential(nn.Linear(1, 3), nn.Linear(3, 1))
