# case: mistake: does not skip the None entries of next_functions (an input that needs no gradient), and fails on them
# base: reference
# expect: operation-names-check=1.67
# says: operation-names-check: skip None
# %% operation-names-answer
def operation_names(output):
    names, stack = set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if type(node).__name__ != "AccumulateGrad":
            names.add(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return sorted(names)
