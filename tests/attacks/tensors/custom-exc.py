# case: a blank submission that installs a custom exception handler swallowing every exception
# base: release
# expect:
# says: matmul-check: matrix_product is not implemented yet

# %% after setup
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
