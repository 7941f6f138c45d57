# case: a blank submission that prints text no file can hold (lone surrogates) in outputs and error messages
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
print("\ud800 half of a character \udfff")
import sys

print("\udc80", file=sys.stderr)
display({"text/plain": "\ud83d", "text/\ud800": "x"}, raw=True)

# %% after uniform-answer
raise ValueError("\ud800")
