# case: mistake: the distinct names in the order the walk meets them, not sorted
# base: reference
# expect: operation-names-check=0.67
# says: operation-names-check: the names are right but not sorted
# %% operation-names-answer
def operation_names(output):
    names, seen, stack = [], set(), [output.grad_fn]
    while stack:
        node = stack.pop(0)
        if node is None or node in seen:
            continue
        seen.add(node)
        if type(node).__name__ != "AccumulateGrad" and type(node).__name__ not in names:
            names.append(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return names
