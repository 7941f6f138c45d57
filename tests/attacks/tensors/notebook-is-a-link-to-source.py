# case: the submitted notebook is itself a link to the course's source notebook (no code at all): 0 with the reason, nothing of the source read
# base: release
# link: tensors.ipynb ../../../source/tensors/tensors.ipynb
# expect:
# says: zeros-check: is a link
