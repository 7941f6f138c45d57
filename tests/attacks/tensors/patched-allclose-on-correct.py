# case: a correct submission that also patches torch's comparison functions: still full marks
# base: reference
# expect:

# %% after setup
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
