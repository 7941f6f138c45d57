# case: a correct submission that prints 50 MB of output: kept short, full marks
# base: reference
# expect:

# %% after setup
for _ in range(500):
    print("x" * 100_000)
