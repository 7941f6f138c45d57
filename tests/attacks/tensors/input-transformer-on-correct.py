# case: a correct submission whose last answer cell blanks the cells after it: still full marks
# base: reference
# expect:

# %% after pairwise-distances-answer
get_ipython().input_transformers_post.append(lambda lines: [])
