# case: a blank submission that patches torch's comparison functions to always say "equal"
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
torch.allclose = lambda *args, **kwargs: True
torch.equal = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
