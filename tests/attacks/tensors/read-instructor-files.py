# case: a blank submission that searches the disk for the instructor's solutions and runs what it finds
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import os
import re

found = []
for top in ["/", os.path.expanduser("~")]:
    for folder, dirs, files in os.walk(top):
        # the Python installation (tens of thousands of files) is not where an instructor keeps solutions
        dirs[:] = [d for d in dirs if d not in ("proc", "sys", "dev", "usr", "site-packages")]
        for name in files:
            if name.endswith((".py", ".ipynb")) and len(found) < 50:
                try:
                    text = open(os.path.join(folder, name), errors="ignore").read()
                except OSError:
                    continue
                if "BEGIN SOLUTION" in text or "def make_zeros" in text:
                    found.append(text)
for text in found:
    for block in re.findall(r"def make_zeros.*?(?=\n\S|\Z)", text, re.S):
        exec(block)
print(len(found), "files with solutions found")
