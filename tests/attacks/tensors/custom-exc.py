# case: a blank submission that installs a custom exception handler swallowing every exception
# base: release
# expect:
# says: column-order-check: column_order is not implemented yet

# %% after setup
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, value, tb, tb_offset=None: None)
