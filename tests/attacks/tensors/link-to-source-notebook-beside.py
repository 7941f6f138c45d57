# case: a blank notebook with a link beside it to the course's source notebook (by a relative path), whose code runs the reference cells it reads from its scratch folder: 0, the link is not followed
# base: release
# link: course.json ../../../source/tensors/tensors.ipynb
# link: solutions.py ../../../solutions/tensors.py
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
import json
import os



def take_the_reference():
    """Run the reference cells read from the linked course files over the blank answers."""
    for name in ("course.json", "solutions.py"):
        if os.path.exists(name):
            with open(name) as f:
                text = f.read()
            if name.endswith(".json"):
                for cell in json.loads(text)["cells"]:
                    if cell["cell_type"] == "code" and "BEGIN SOLUTION" in "".join(cell["source"]):
                        exec("".join(cell["source"]), globals())
            else:
                exec(text, globals())

# %% after zeros-answer
take_the_reference()

# %% after uniform-answer
take_the_reference()

# %% after from-numpy-answer
take_the_reference()

# %% after slice-answer
take_the_reference()

# %% after column-order-answer
take_the_reference()

# %% after batch-product-answer
take_the_reference()

# %% after normalize-rows-answer
take_the_reference()

# %% after mean-above-answer
take_the_reference()

# %% after pairwise-distances-answer
take_the_reference()
