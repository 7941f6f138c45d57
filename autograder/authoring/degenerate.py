"""Degenerate answers for every task, generated from the source notebooks.

A task is an answer cell (an nbgrader solution cell) and the test cell after it. For each task
and each kind of degenerate answer (None, NaN, a NaN tensor, a pair of NaNs, a constant, the
first argument, an object of no use), a case replaces every function or class the answer cell
defines with one that returns it, the rest of the notebook being the reference solution. Such
an answer must score 0 on its own cell, and cost no other cell anything (one mistake, one
charge). tests/test_degenerate.py grades them all through nbgrader.
"""
from __future__ import annotations

import ast
from pathlib import Path

import nbformat

from autograder.grading import cells
from autograder.authoring.solutions import MARKER, source_notebooks
from autograder.authoring.corpus import Entry
from autograder.authoring.submissions import Case

# What each degenerate answer returns (an expression over the call's `args`)
RETURNS = {
    "none": "None",
    "nan": "float('nan')",
    "nan-tensor": "torch.full_like(args[0], float('nan')) if args and isinstance(args[0], torch.Tensor) "
                  "and args[0].is_floating_point() else torch.tensor(float('nan'))",
    "nan-pair": "(float('nan'), float('nan'))",
    "constant": "torch.tensor(0.0)",
    "first-argument": "args[0] if args else None",
    "wrong-type": "object()",
}


def tasks(nb_path: Path) -> list[tuple[str, str, list[ast.stmt]]]:
    """(answer grade_id, its test cell's grade_id, the functions and classes it defines) per task."""
    nb = nbformat.read(nb_path, as_version=4)
    found, answer = [], None
    for cell in nb.cells:
        meta = cells.nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            tree = ast.parse(MARKER.sub("", cell.source))
            answer = (meta["grade_id"], [node for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))])
        elif cells.is_test_cell(cell) and answer is not None:
            found.append((answer[0], meta["grade_id"], answer[1]))
            answer = None
    return found


def degenerate_source(definitions: list[ast.stmt], returns: str) -> str:
    """The answer cell's functions and classes, each made to give `returns` (a class: from forward)."""
    parts = []
    for node in definitions:
        if isinstance(node, ast.ClassDef):
            parts.append(f"class {node.name}(torch.nn.Module):\n"
                         f"    def __init__(self, *args, **kwargs):\n        super().__init__()\n\n"
                         f"    def forward(self, *args, **kwargs):\n        return {returns}\n")
        else:
            parts.append(f"def {node.name}(*args, **kwargs):\n    return {returns}\n")
    return "import torch\n\n\n" + "\n\n".join(parts)


def entries(root: Path) -> list[Entry]:
    """One student per (task, kind of degenerate answer), named by both."""
    found = []
    for nb_path in source_notebooks(root):
        assignment = nb_path.parent.name
        for answer, check, definitions in tasks(nb_path):
            for kind, returns in RETURNS.items():
                name = f"{answer.removesuffix('-answer')}-returns-{kind}"
                case = Case(Path(f"<generated: {assignment}/{name}>"), "reference", {check: 0.0},
                            replace={answer: degenerate_source(definitions, returns)},
                            description=f"degenerate: {', '.join(d.name for d in definitions)} returns {returns}")
                found.append(Entry(assignment, name, case))
    return found
