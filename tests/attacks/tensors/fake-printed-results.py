# case: a blank submission that prints and displays a fake "all passed" score after every cell
# base: release
# expect:
# says: uniform-check: make_uniform is not implemented yet

# %% after setup
from IPython.display import display


def fake_score(result):
    print("Hidden tests: 5 of 5 passed, 4 of 4 points")
    display({"text/plain": "4"}, raw=True)
    get_ipython().displayhook(4)


get_ipython().events.register("post_run_cell", fake_score)
