# case: a blank submission that displays JSON holding the wire's handle key with a value that is not a number
# base: release
# expect:
# says: zeros-check: was not understood

# %% after setup
from IPython.display import display

display({"application/json": {"__kit_handle__": "not a number", "type": []}}, raw=True)
display({"application/json": {"__kit_opaque__": 5}}, raw=True)
