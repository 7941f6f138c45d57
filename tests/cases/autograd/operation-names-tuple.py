# case: mistake: returns a sorted tuple, not the list the task asks for
# base: reference
# expect: operation-names-check=0
# says: operation-names-check: expected a list, got tuple
# %% operation-names-answer
def operation_names(output):
    names, seen, stack = set(), set(), [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ != "AccumulateGrad":
            names.add(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return tuple(sorted(names))
