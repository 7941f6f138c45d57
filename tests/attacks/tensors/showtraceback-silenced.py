# case: a blank submission that silences IPython's traceback display so no cell shows an error
# base: release
# expect:
# says: slice-check: every_other_row is not implemented yet

# %% after setup
shell = get_ipython()
shell.showtraceback = lambda *args, **kwargs: None
shell._showtraceback = lambda *args, **kwargs: None
shell.showsyntaxerror = lambda *args, **kwargs: None
