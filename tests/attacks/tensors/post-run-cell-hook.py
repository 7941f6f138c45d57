# case: a blank submission whose IPython hooks erase each cell's error before and after it runs
# base: release
# expect:
# says: zeros-check: make_zeros is not implemented yet

# %% after setup
def forget_errors(result):
    result.error_before_exec = result.error_in_exec = None


get_ipython().events.register("pre_run_cell", lambda info: None)
get_ipython().events.register("post_run_cell", forget_errors)
