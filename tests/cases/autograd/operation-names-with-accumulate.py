# case: mistake: keeps the leaves' AccumulateGrad nodes in the list
# base: reference
# expect: operation-names-check=0
# says: operation-names-check: leave out AccumulateGrad
# %% operation-names-answer
def operation_names(output):
    names, stack = set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is not None:
            names.add(type(node).__name__)
            stack.extend(child for child, _ in node.next_functions)
    return sorted(names)
