# case: a blank submission that writes fake gradebooks, results and autograded notebooks wherever it can
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import json
import os

fake = json.dumps({"score": 20, "tests": [{"name": "all", "score": 20, "max_score": 20}]})
for folder in [".", "..", "../..", "../../..", "/tmp", os.path.expanduser("~")]:
    for name in ["results.json", "gradebook.db", "grades.csv", "autograded/tensors.ipynb"]:
        try:
            os.makedirs(os.path.join(folder, os.path.dirname(name)), exist_ok=True)
            with open(os.path.join(folder, name), "w") as f:
                f.write(fake)
        except OSError:
            pass
