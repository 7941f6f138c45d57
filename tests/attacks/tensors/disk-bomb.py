# case: a correct submission that writes files until the disk is full; only its scratch folder fills
# base: reference
# expect:

# %% after setup
import os

block = b"x" * 2**20
try:
    for number in range(100_000):
        with open(f"fill-{number}.bin", "wb") as f:
            for _ in range(8):
                f.write(block)
except OSError as error:
    print("stopped:", error)
