# case: mistake: a sorted list of every node's name, so an operation that appears twice in the graph is listed twice
# base: reference
# expect: operation-names-check=1.67
# says: operation-names-check: expected each value once (distinct)
# %% operation-names-answer
def operation_names(output):
    names, stack = [], [output.grad_fn]
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if type(node).__name__ != "AccumulateGrad":
            names.append(type(node).__name__)
        stack.extend(next_node for next_node, _ in node.next_functions)
    return sorted(names)
