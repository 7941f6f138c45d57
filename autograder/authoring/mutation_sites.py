"""Where a mutation applies in a reference answer (`sites`), and a copy of its syntax tree with one
change made (`apply_edit`): what the mutation operators (mutation_operators.py) work on."""
from __future__ import annotations

import ast
import copy
from dataclasses import dataclass, field
from typing import Callable, Iterator


@dataclass
class Task:
    """One reference answer cell to mutate, with the test cell that grades it."""
    answer: str
    check: str
    points: float
    original: str        # unparsed reference cell
    tree: ast.Module
    region: set[int]     # line numbers (of the cell without markers) inside the solution region


@dataclass
class Site:
    """Where a mutation applies: the node, its parents (innermost first), the enclosing function."""
    node: ast.AST
    parents: list[ast.AST]
    function: ast.FunctionDef | None
    globals: set[str]
    region: set[int] = field(default_factory=set)   # the lines of the solution region


# An operator yields (change, edit) pairs; edit(node) returns the node's replacement: a node, a list
# of statements, or None for a statement removed. Each edit is applied to a fresh copy of the tree.
Edit = Callable[[ast.AST], object]


def apply_edit(tree: ast.Module, index: int, edit: Edit) -> ast.Module:
    """A copy of `tree` with its `index`-th node (in ast.walk order) replaced by what `edit` returns."""
    tree = copy.deepcopy(tree)
    nodes = list(ast.walk(tree))
    old = nodes[index]
    new = edit(old)
    for parent in nodes:
        for name, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, name, new)
                return tree
            if isinstance(value, list) and any(v is old for v in value):
                position = next(i for i, v in enumerate(value) if v is old)
                replacement = new if isinstance(new, list) else [] if new is None else [new]
                value[position:position + 1] = replacement
                if not value and name in ("body", "finalbody"):  # a block may not be empty
                    value.append(ast.Pass())
                return tree
    if tree is old or index == 0:
        return new
    raise ValueError("node not found")


def _in_region(node: ast.AST, region: set[int]) -> bool:
    """Whether a node lies in the solution region: a statement wholly, an expression by its lines."""
    if not hasattr(node, "lineno"):
        return False
    return all(line in region for line in range(node.lineno, (node.end_lineno or node.lineno) + 1))


def sites(task: Task, globals_: set[str]) -> Iterator[tuple[int, Site]]:
    parents: dict[int, ast.AST] = {}
    for parent in ast.walk(task.tree):
        for child in ast.iter_child_nodes(parent):
            parents[id(child)] = parent
    for index, node in enumerate(ast.walk(task.tree)):
        chain, up = [], parents.get(id(node))
        while up is not None:
            chain.append(up)
            up = parents.get(id(up))
        function = node if isinstance(node, ast.FunctionDef) else \
            next((p for p in chain if isinstance(p, ast.FunctionDef)), None)
        # a function (for the operators that act on its whole body) counts when its body is in the region
        in_region = _in_region(node, task.region) or (
            isinstance(node, ast.FunctionDef) and any(_in_region(s, task.region) for s in node.body))
        if not in_region and isinstance(node, ast.keyword):
            in_region = _in_region(node.value, task.region)
        if in_region:
            yield index, Site(node, chain, function, globals_, task.region)
