# case: a blank submission that installs an IPython input transformer blanking every later cell
# base: release
# expect:
# says: column-order-check: column_order is not defined in your notebook

# %% after setup
get_ipython().input_transformers_post.append(lambda lines: [])
