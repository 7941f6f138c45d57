# case: correct: a recursive walk of the graph
# base: reference
# %% operation-names-answer
def operation_names(output):
    found = set()

    def visit(node):
        if node is None:
            return
        name = type(node).__name__
        if name != "AccumulateGrad":
            found.add(name)
        for child, _ in node.next_functions:
            visit(child)

    visit(output.grad_fn)
    return sorted(found)
