# case: correct: to the cpu first, then off the graph
# base: reference
# %% to-numpy-answer
def to_numpy(x):
    return x.cpu().detach().numpy()
