"""No set rewards copying (issue 36): a task whose whole answer is lines of the lesson's code
(tests/lesson_code.txt) or of its notebook's own text teaches nothing, so a set holds one such
point at most, a warm-up.

The answer is the reference between the solution markers. It copies when each of its statements
(expressions, returns, assignments; the headers of `for`, `with`, `def` and `class` aside) is a
line there: one line, as `x.view(1, -1)` of `matrix1.view(1,-1)`, or several, as a model class or
a training loop copied line by line. Two lines are the same when their code is the same with every
name, every attribute of `self` and every number replaced (whitespace and comments are gone with the
parse): `torch.randn(n, 1)` copies `torch.randn(100, 1)`. An assignment, an expression and a return
of the same value are the same line; a statement that computes nothing (`return X, Y`, `return 0.04,
4000`) copies nothing and is left aside. The notebook's text is its markdown: code spans and fenced
lines.
"""
from __future__ import annotations

import ast
import textwrap
import re

import nbformat
import pytest

from autograder.authoring import exercises
from autograder.authoring.solutions import source_notebooks
from conftest import ROOT

SOURCES = {path.parent.name: path for path in source_notebooks(ROOT)}
LESSON = ROOT / "tests" / "lesson_code.txt"
WARM_UP_POINTS = 1
CODE_SPAN = re.compile(r"`([^`\n]+)`")
COMPUTES = (ast.Call, ast.BinOp, ast.Subscript, ast.Compare, ast.BoolOp, ast.UnaryOp, ast.Attribute)
SOLUTION = re.compile(r"### BEGIN SOLUTION[^\n]*\n(.*?)### END SOLUTION", re.DOTALL)

# Sets whose conversion (issue 36) is under way: the tasks that still copy the lesson, each with why it
# may for now. An entry that no longer copies fails the test (remove it then), so the list only shrinks.
ALLOWED: dict[str, dict[str, str]] = {}  # no set needs more than its one warm-up point


class _Names(ast.NodeTransformer):
    """Every name one placeholder: what a line does, not what it calls its variables."""

    def visit_Attribute(self, node):
        self.generic_visit(node)
        if isinstance(node.value, ast.Name):  # self.hidden_layer: the name is the author's (self is a Name too)
            node.attr = "_" if node.value.id in ("_", "self") else node.attr
        return node

    def visit_Name(self, node):
        return ast.copy_location(ast.Name(id="_", ctx=ast.Load()), node)

    def visit_Constant(self, node):
        if type(node.value) in (int, float, complex):
            return ast.copy_location(ast.Name(id="_", ctx=ast.Load()), node)
        return node

    def visit_arg(self, node):
        node.arg = "_"
        return node


def shape_of(statement: ast.stmt) -> str | None:
    """The code of a simple statement, names aside; None for a statement of another kind."""
    if isinstance(statement, (ast.Return, ast.Expr, ast.Assign, ast.AugAssign)) and statement.value is not None:
        value = statement.value
    else:
        return None
    if not any(isinstance(node, COMPUTES) for node in ast.walk(value)):
        return None
    op = type(statement.op).__name__ if isinstance(statement, ast.AugAssign) else ""
    return op + ast.dump(_Names().visit(value))


def statements(tree: ast.AST) -> list[ast.stmt]:
    """The simple statements of an answer, inside loops, withs, ifs, functions and classes too."""
    return [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and not isinstance(
        node, (ast.For, ast.While, ast.With, ast.If, ast.Try, ast.FunctionDef, ast.ClassDef, ast.Pass))]


def shapes_of_lines(lines) -> set[str]:
    found = set()
    for line in lines:
        try:
            tree = ast.parse(line.strip())
        except SyntaxError:  # prose, output, or half a statement
            continue
        if len(tree.body) == 1 and shape_of(tree.body[0]):
            found.add(shape_of(tree.body[0]))
    found.discard(None)
    return found


def text_lines(nb) -> list[str]:
    """The notebook's own text: the code spans and the lines of fenced blocks of its markdown."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            lines += CODE_SPAN.findall(cell.source) + cell.source.splitlines()
    return lines


def answer_shapes(exercise) -> list[str | None]:
    """The shape of each statement of the exercise's reference answer."""
    code = "".join(SOLUTION.findall(exercise.answer.source))
    try:
        tree = ast.parse(textwrap.dedent(code))
    except SyntaxError:
        return []
    return [shape for shape in map(shape_of, statements(tree)) if shape is not None]


def copied_tasks(source) -> dict[str, float]:
    """{exercise name: points} of the exercises whose whole answer is a line of the lesson or of the text."""
    nb = nbformat.read(source, as_version=4)
    known = shapes_of_lines(LESSON.read_text().splitlines()) | shapes_of_lines(text_lines(nb))
    found = {}
    for exercise in exercises.exercises(nb):
        shapes = answer_shapes(exercise) if exercise.answer is not None else []
        if shapes and all(shape in known for shape in shapes):
            found[exercise.name] = exercise.points
    return found


@pytest.mark.parametrize("assignment", sorted(SOURCES))
def test_a_set_holds_one_copied_point_at_most(assignment):
    copied = copied_tasks(SOURCES[assignment])
    allowed = ALLOWED.get(assignment, {})
    counted = {name: points for name, points in copied.items() if name not in allowed}
    assert sum(counted.values()) <= WARM_UP_POINTS, (
        f"{assignment}: the whole answer of {sorted(counted)} ({sum(counted.values()):g} points) is a line of the "
        f"lesson or of the notebook's text; keep {WARM_UP_POINTS} such point at most (a warm-up) and make the others "
        "variations that need the idea, not the line")
    stale = sorted(set(allowed) - set(copied))
    assert not stale, f"{assignment}: {stale} no longer copy a line: remove them from ALLOWED"


def test_the_allowance_names_only_sets_that_exist():
    assert set(ALLOWED) <= set(SOURCES), sorted(set(ALLOWED) - set(SOURCES))


def test_a_copied_line_is_found_whatever_its_names_and_spacing():
    lesson = shapes_of_lines(["result_matmul3 = torch.matmul(matrix1.view(1,-1), matrix2.view(-1,1))  # a comment"])
    assert shape_of(ast.parse("return torch.matmul(m1.view(1, -1), m2.view(-1, 1))").body[0]) in lesson
    assert shape_of(ast.parse("return torch.matmul(m1.view(-1, 1), m2.view(1, -1))").body[0]) not in lesson
    assert shape_of(ast.parse("return m1.view(1, -1) @ m2.view(-1, 1)").body[0]) not in lesson


def test_an_answer_copied_line_by_line_is_found():
    lesson = shapes_of_lines(["self.hidden_layer = nn.Linear(1, 3)", "x = torch.relu(self.hidden_layer(x))",
                              "x = self.output_layer(x)", "return x"])
    copied = "class Net(nn.Module):\n    def forward(self, t):\n        t = torch.relu(self.h(t))\n        return self.o(t)\n"
    assert all(shape in lesson for shape in map(shape_of, statements(ast.parse(copied))))
    varied = copied.replace("torch.relu", "nn.functional.leaky_relu")
    assert not all(shape in lesson for shape in map(shape_of, statements(ast.parse(varied))))


def test_the_lesson_code_is_there():
    assert "torch.mm(matrix1, matrix2)" in LESSON.read_text()
