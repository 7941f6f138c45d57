"""What a new exercise set or task needs, written ready to fill in (`python -m autograder new-set`, `new-task`).

A task is scaffolded as a small working example (`NAME(x)` returns `x` doubled), so that it is graded
end to end before its author changes a line: the reference earns its points, the released stub 0.
Each piece follows the rules a source notebook is checked by (authoring/course_check.py):

- source/<set>/<set>.ipynb: the title cell (objectives, contents), a `setup` cell, the exercise
  (heading, task, expected output, folded hint; the answer cell; the check cell, which prints one
  line when it passes and names the hidden tests), the key points and the closing points line;
- hidden_tests/test_<set>.py: class `Test<Item>`, one test per kind of check (`autograder.checks`);
- tests/cases/<set>/: a right answer written unlike the reference, and a blank (the stub);
- solutions/<set>.py and the headings, contents and points line, regenerated.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.authoring import exercises
from autograder.authoring.solutions import write_solutions
from autograder.grading import cells
from autograder.nbgrader.course import Course

NAME = re.compile(r"^[a-z][a-z0-9_]*$")  # a set's folder and a task's function: a Python identifier
POINTS = 2

HOW_TO_WORK = """**How to work**

- Each task is a function with `raise NotImplementedError()` in it. Replace that line with your code.
- Run the cells from top to bottom (*Run → Run All Cells*). The cell after each task runs a few
  **visible checks**: if one fails, its message says what is wrong.
- When you submit, **hidden tests** call your functions again with other inputs. Passing the
  visible checks is a good sign, not a guarantee.
- Keep the function names and arguments as they are. Each task has a hint, folded: open it when
  you are stuck."""

HEADING = """## Exercise {number}: {title}

(Teach what the task needs here. This example task doubles a tensor: replace it with yours, then
the check below, the hidden tests in hidden_tests/test_{set}.py and the cases in tests/cases/{set}/.)

**Task.** Complete `{item}(x)`: return `x` times two, a tensor of `x`'s shape and dtype, on `x`'s device,
that requires grad when `x` does.

**Expected output**

```
{item} passes the visible checks: tensor([2., 4., 6.])
```

<details><summary>Hint</summary>

A question that leads to the answer without giving the code: which operation, applied to `x`
itself, keeps its shape, dtype and device?
</details>"""

ANSWER = '''def {item}(x):
    """x times two: a tensor of x's shape and dtype, on x's device, that requires grad when x does."""
    ### BEGIN SOLUTION
    return x * 2
    ### END SOLUTION'''

CHECK = '''x = torch.tensor([1.0, 2.0, 3.0])
result = {item}(x)
assert isinstance(result, torch.Tensor), f"{item} should return a torch.Tensor, not {{type(result).__name__}}"
assert result.shape == x.shape, f"{item}(x) for x of shape (3,) should keep the shape, got {{tuple(result.shape)}}"
assert torch.equal(result, torch.tensor([2.0, 4.0, 6.0])), f"{item}(x) should double each value: expected [2., 4., 6.], got {{result}}"
print("{item} passes the visible checks:", result)
### BEGIN HIDDEN TESTS
grade("{set}.{item}")
### END HIDDEN TESTS'''

TEST_MODULE = '''"""Hidden tests of source/{set}/{set}.ipynb; the oracle is solutions/{set}.py.

Each class Test<Item> grades the task whose check cell names grade("{set}.<item>"); its tests call
only that task's function, through the `student` fixture, and compare through autograder.checks.
"""
import pytest
import torch

from autograder import checks
from solutions import {set} as reference
'''

TEST_CLASS = '''

class Test{cls}:
    """{item}(x): x times two, of x's shape and dtype, on x's device, requiring grad when x does. One
    test per kind of check: replace them with the clauses of your task's words, each with inputs that
    tell a mistake apart."""

    @pytest.mark.parametrize("shape, dtype", [((5,), torch.float32), ((2, 1, 3), torch.float64)])
    def test_values(self, student, shape, dtype):  # a tensor: shape, dtype, device and values
        x = torch.randn(shape, generator=torch.Generator().manual_seed(0)).to(dtype)
        what = f"{item}(x) for x of shape {{shape}} and dtype {{dtype}}"
        checks.expect_tensor(student.call("{item}", x), reference.{item}(x), what)

    def test_one_value(self, student):  # a number: a finite int or float, or a one-element tensor
        checks.expect_number(student.call("{item}", torch.tensor(-1.25)), -2.5, "{item}(tensor(-1.25))")

    def test_keeps_the_graph(self, student):  # an exact value, read in the student's process (keep, get)
        result = student.keep("{item}", torch.tensor([1.0, -2.0], requires_grad=True))
        checks.expect_equal(student.get(result.attr("requires_grad")), True, "{item}(x).requires_grad for x that "
                            "requires grad (keep autograd's graph: no .detach())")

    @pytest.mark.gate
    def test_on_the_meta_device(self, student):  # device behaviour, on meta: the same grade on any machine
        x = torch.ones(2, 3, device="meta")
        checks.expect_tensor(student.call("{item}", x), reference.{item}(x), "{item}(x) for x on the meta device")

    @pytest.mark.side
    def test_the_same_twice(self, student):  # a property of a right answer: counts once the rest passed
        x = torch.arange(4.0)
        first, second = student.call("{item}", x), student.call("{item}", x)
        checks.expect_tensor_like(first, x, "{item}(x)")
        checks.expect_property(isinstance(second, torch.Tensor) and torch.equal(first, second), "{item}(x)",
                               "two calls on the same x gave different results")
'''

RIGHT_CASE = """# case: {item} written unlike the reference (replace with a right answer of your own)
# base: reference
# %% {gid}-answer
def {item}(x):
    return x + x
"""

TASK_BLANK_CASE = """# case: {item} left as it was released: its cell earns nothing, the others keep theirs
# base: reference
# expect: {gid}-check=zero
# says: {gid}-check: is not implemented yet
# %% {gid}-answer
def {item}(x):
    raise NotImplementedError()
"""

SET_BLANK_CASE = """# case: the release notebook handed in as it is: every cell earns nothing
# base: release
"""


def _title(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _gid(item: str) -> str:
    """The stem of a task's grade_ids: its name with hyphens (`row_sums` -> `row-sums-answer`)."""
    return item.replace("_", "-")


def _check_name(name: str, what: str) -> str:
    if not NAME.match(name):
        raise ValueError(f"{what} {name!r}: lowercase letters, digits and '_', starting with a letter")
    return name


def _graded(source: str, grade_id: str, **nbgrader) -> nbformat.NotebookNode:
    cell = new_code_cell(source, id=grade_id)
    cell.metadata["nbgrader"] = {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                                 "solution": False, **nbgrader}
    return cell


def exercise_cells(set_name: str, item: str, number: int) -> list:
    """The heading cell, the answer cell and the check cell of one example task."""
    fields = {"set": set_name, "item": item, "number": number, "title": _title(item)}
    return [new_markdown_cell(HEADING.format(**fields), id=f"text-{_gid(item)}"),
            _graded(ANSWER.format(**fields), f"{_gid(item)}-answer", solution=True),
            _graded(CHECK.format(**fields), f"{_gid(item)}-check", grade=True, locked=True,
                    points=POINTS)]


def _write_text(path: Path, text: str) -> Path:
    if path.exists():
        raise ValueError(f"{path} exists already: nothing was written")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def new_set(name: str, root: Path, task: str | None = None) -> list[Path]:
    """A set of one example task (named `task`, default `NAME_example`), graded end to end as it is."""
    _check_name(name, "a set's name")
    item = _check_name(task or f"{name}_example", "a task's name")
    course = Course(root)
    source = course.source(name, name)
    tests = course.hidden_tests / f"test_{name}.py"
    for path in (source, tests, course.cases / name):
        if path.exists():
            raise ValueError(f"{path} exists already: nothing was written")
    title = new_markdown_cell(f"# {_title(name)}\n\n**You will learn to**\n\n- (the objectives of this set)\n\n"
                              f"**Contents**\n\n{HOW_TO_WORK}\n", id="title")
    setup = new_code_cell("import torch", id="setup")
    setup.metadata["tags"] = ["setup"]
    setup.metadata["nbgrader"] = {"grade": False, "grade_id": "setup", "locked": True, "schema_version": 3,
                                  "solution": False}
    closing = [new_markdown_cell("## Key points\n\n- (what a student should remember)", id="key-points"),
               new_markdown_cell("## Done\n\nRun *Restart Kernel and Run All Cells* once more, then submit.\n\n"
                                 "**Points.**", id="done")]
    nb = new_notebook(cells=[title, setup, *exercise_cells(name, item, 1), *closing], metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"}})
    for folder in (source.parent, tests.parent, course.solutions):
        folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, source)
    written = [source, _write_text(tests, TEST_MODULE.format(set=name) + _test_class(item)),
               _write_text(course.cases / name / "blank.py", SET_BLANK_CASE),
               _write_text(course.cases / name / f"{item}-right.py", RIGHT_CASE.format(item=item, gid=_gid(item)))]
    return written + write_solutions(root, [name])


def new_task(set_name: str, item: str, root: Path) -> list[Path]:
    """One more example task at the end of a set's exercises, with its hidden tests and cases."""
    _check_name(item, "a task's name")
    course = Course(root)
    source = course.source(set_name, set_name)
    tests = course.hidden_tests / f"test_{set_name}.py"
    if not source.is_file():
        raise ValueError(f"no set {set_name!r}: {source} does not exist (python -m autograder new-set {set_name})")
    nb = nbformat.read(source, as_version=4)
    made = exercise_cells(set_name, item, len(exercises.exercises(nb)) + 1)
    taken = {cells.nbgrader_meta(c).get("grade_id") for c in nb.cells} | {c.get("id") for c in nb.cells}
    clash = [c.id for c in made if c.id in taken]
    if clash:
        raise ValueError(f"{source} has a cell {clash[0]!r} already: choose another task name")
    cases = [course.cases / set_name / f"{item}-{kind}.py" for kind in ("right", "blank")]
    for path in cases:
        if path.exists():
            raise ValueError(f"{path} exists already: nothing was written")
    nb.cells[_insert_at(nb):_insert_at(nb)] = made
    nbformat.write(nb, source)
    text = tests.read_text() if tests.exists() else TEST_MODULE.format(set=set_name)
    tests.write_text(_with_imports(text, set_name) + _test_class(item))
    _write_text(cases[0], RIGHT_CASE.format(item=item, gid=_gid(item)))
    _write_text(cases[1], TASK_BLANK_CASE.format(item=item, gid=_gid(item)))
    return [source, tests, *cases] + write_solutions(root, [set_name])


def _insert_at(nb) -> int:
    """After the last exercise's cells; in a set without one, before the key points (or the closing cell)."""
    found = exercises.exercises(nb)
    if found:
        last = found[-1].cells[-1] if found[-1].cells else found[-1].heading
        return next(i for i, c in enumerate(nb.cells) if c is last) + 1
    closing = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"
               and c.source.lstrip().lower().startswith(("## key points", "## done"))]
    return closing[0] if closing else len(nb.cells) - 1


def _test_class(item: str) -> str:
    return TEST_CLASS.format(item=item, cls="".join(part.capitalize() for part in item.split("_")))


def _with_imports(text: str, set_name: str) -> str:
    """The hidden test module with the imports the scaffolded class uses, added after its own where missing."""
    tree = ast.parse(text)
    bound = {(alias.asname or alias.name).split(".")[0] for node in tree.body
             if isinstance(node, (ast.Import, ast.ImportFrom)) for alias in node.names}
    needed = {"pytest": "import pytest", "torch": "import torch", "checks": "from autograder import checks",
              "reference": f"from solutions import {set_name} as reference"}
    missing = [line for name, line in needed.items() if name not in bound]
    if not missing:
        return text
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    lines = text.splitlines(keepends=True)
    at = imports[-1].end_lineno if imports else (tree.body[0].end_lineno if tree.body
                                                 and isinstance(tree.body[0], ast.Expr) else 0)
    return "".join(lines[:at]) + "".join(f"{line}\n" for line in missing) + "".join(lines[at:])
