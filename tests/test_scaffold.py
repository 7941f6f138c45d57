"""A course of one's own (issue 38): `new-set` and `new-task` scaffold what a task needs, and
`check-course` checks a course of any content, without this lesson's own rules.

The fast tests work on an empty scratch course; the slow ones scaffold into a scratch copy of
the kit's course (corpus.copy_course) and grade through nbgrader, as check-course does.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from autograder.__main__ import main
from autograder.authoring import course_check, scaffold
from autograder.authoring.corpus import copy_course, full_points, nbgrader
from autograder.authoring.solutions import write_solutions
from autograder.authoring.submissions import Share, read_case
from autograder.grading import cells

SET, TASK = "normalization", "scaled"


def scaffolded(root: Path) -> Path:
    """A set of one example task, and a second task added to it, as the commands write them."""
    assert main(["new-set", SET, "--course", str(root)]) == 0
    assert main(["new-task", SET, TASK, "--course", str(root)]) == 0
    return root


def test_a_scaffolded_set_keeps_every_rule_a_course_keeps(tmp_path):
    root = scaffolded(tmp_path)
    nb = nbformat.read(root / "source" / SET / f"{SET}.ipynb", as_version=4)
    text = nbformat.writes(nb)
    for part in ("**Contents** (4 points)", "## Exercise 2: Scaled (2 points, ≈ 1 line)", "**Expected output**",
                 "<details><summary>Hint</summary>", "**Points.** Normalization example 2, Scaled 2: 4 in all."):
        assert part in text
    assert (root / "solutions" / f"{SET}.py").read_text().count("return x * 2") == 2
    tests = (root / "hidden_tests" / f"test_{SET}.py").read_text()
    assert "class TestNormalizationExample:" in tests and "class TestScaled:" in tests
    for kind in ("checks.expect_tensor(", "checks.expect_number(", "checks.expect_equal(", "@pytest.mark.gate",
                 "@pytest.mark.side"):
        assert tests.count(kind) >= 2, kind
    assert {p.name for p in (root / "tests" / "cases" / SET).iterdir()} == {
        "blank.py", "normalization_example-right.py", "scaled-right.py", "scaled-blank.py"}
    assert read_case(root / "tests" / "cases" / SET / "scaled-blank.py").expect == {"scaled-check": 0.0}
    # two tasks in a set: this lesson's "at least 4 exercises" is not a course's rule
    assert course_check.static_problems([SET], root) == []


def test_the_scaffold_refuses_to_overwrite(tmp_path):
    root = scaffolded(tmp_path)
    with pytest.raises(ValueError, match="exists already"):
        scaffold.new_set(SET, root)
    with pytest.raises(ValueError, match="has a cell 'text-scaled' already"):
        scaffold.new_task(SET, TASK, root)
    with pytest.raises(ValueError, match="lowercase letters"):
        scaffold.new_task(SET, "Softmax", root)
    with pytest.raises(ValueError, match="no set 'nosuch'"):
        scaffold.new_task("nosuch", TASK, root)


def test_a_new_task_keeps_the_hidden_tests_imports(tmp_path):
    """new-task on a hidden test module of other imports adds only the ones its class needs."""
    root = scaffolded(tmp_path)
    path = root / "hidden_tests" / f"test_{SET}.py"
    path.write_text('"""Tests."""\nimport torch\nfrom autograder.checks import fail\n')
    scaffold.new_task(SET, "third", root)
    head = path.read_text().split("\n\n\nclass")[0]
    assert head.splitlines()[1:] == ["import torch", "from autograder.checks import fail", "import pytest",
                                     "from autograder import checks", f"from solutions import {SET} as reference"]


def test_check_course_names_the_file_and_the_line(tmp_path):
    root = scaffolded(tmp_path)
    path = root / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(path, as_version=4)
    heading = next(c for c in nb.cells if c.source.startswith("## Exercise 2"))
    heading.source = heading.source.replace("<details><summary>Hint</summary>", "Hint:")
    check = next(c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == "scaled-check")
    check.source = check.source.replace('grade("normalization.scaled")', 'grade("normalization.scale")')
    nbformat.write(nb, path)
    (root / "tests" / "cases" / SET / "blank.py").unlink()
    (root / "tests" / "cases" / SET / "half.py").write_text("# base: reference\n# expect: scaled-check=half\n")
    found = [str(p) for p in course_check.static_problems([SET], root)]
    where = f"source/{SET}/{SET}.ipynb"
    assert any(p.startswith(f"{where}, cell 5 (text-scaled), exercise 2 (Scaled): no folded hint") for p in found), found
    assert any(p.startswith(f"{where}, cell 7 (scaled-check): grade('normalization.scale') names no class "
                            f"TestScale in hidden_tests/test_{SET}.py") for p in found), found
    assert f"solutions/{SET}.py: differs from the solution cells of {where}: run python -m autograder solutions" \
        not in found
    assert any(p.startswith(f"tests/cases/{SET}/half.py:2: 'scaled-check=half'") for p in found), found
    assert any(p.startswith(f"tests/cases/{SET}/blank.py: no blank example submission") for p in found), found


def test_a_broken_notebook_is_named(tmp_path):
    """The structure's errors name the notebook they are in (issue 38: 'the closing cell ... must end
    with a line starting **Points.**' named none)."""
    root = scaffolded(tmp_path)
    path = root / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].source = nb.cells[-1].source.replace("**Points.**", "Points:")
    nbformat.write(nb, path)
    with pytest.raises(cells.AuthoringError, match=rf"^source/{SET}/{SET}.ipynb: the closing cell"):
        write_solutions(root, [SET])
    assert [str(p) for p in course_check.static_problems([SET], root)][0].startswith(
        f"source/{SET}/{SET}.ipynb: the closing cell of a source notebook must end with a line starting '**Points.**'")


def test_case_files_state_a_share_of_the_points(tmp_path):
    path = tmp_path / "case.py"
    path.write_text("# base: reference\n# expect: a=zero b=lost c=full d=1/4 e=50% f=1.5\n")
    case = read_case(path)
    assert all(isinstance(case.expect[k], Share) for k in "abcde") and not isinstance(case.expect["f"], Share)
    full = dict.fromkeys("abcdef", 4.0)
    assert case.expected_points(full) == {"a": 0, "b": 0, "c": 4, "d": 1, "e": 2, "f": 1.5}
    for bad in ("a=half", "a=1/0", "a=-1", "a="):
        path.write_text(f"# base: reference\n# expect: {bad}\n")
        with pytest.raises(ValueError, match=rf"case.py:2: {re.escape(repr(bad))} in '# expect:'"):
            read_case(path)


def _in_class(text: str, name: str, old: str, new: str) -> str:
    head, _, rest = text.partition(f"class {name}:")
    return head + f"class {name}:" + rest.replace(old, new)


def _scratch_course(tmp_path: Path) -> Path:
    course = copy_course(tmp_path / "course")
    (course / "tests").mkdir()
    return course


@pytest.mark.slow  # check-course: nbgrader generate_assignment and autograde of the new set
def test_a_new_set_and_task_are_graded_end_to_end(tmp_path):
    course = scaffolded(_scratch_course(tmp_path))
    nb_path = course / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    for cell in nb.cells:  # the second task filled in: x times three
        if cells.nbgrader_meta(cell).get("grade_id") in ("scaled-answer", "scaled-check") or "`scaled(x)`" in cell.source:
            for old, new in {"x * 2": "x * 3", "times two": "times three", "[2., 4., 6.]": "[3., 6., 9.]",
                             "[2.0, 4.0, 6.0]": "[3.0, 6.0, 9.0]"}.items():
                cell.source = cell.source.replace(old, new)
    nbformat.write(nb, nb_path)
    tests = course / "hidden_tests" / f"test_{SET}.py"
    tests.write_text(_in_class(tests.read_text(), "TestScaled", "-2.5", "-3.75"))
    right = course / "tests" / "cases" / SET / "scaled-right.py"
    right.write_text(right.read_text().replace("x + x", "x + x + x"))
    # a case that states what a blank earns wrongly: check-course must name it, and only it
    (course / "tests" / "cases" / SET / "claims-full.py").write_text("# base: release\n# expect: scaled-check=full\n")
    write_solutions(course, [SET])
    assert "return x * 3" in (course / "solutions" / f"{SET}.py").read_text()
    nbgrader(course, "generate_assignment", SET, "--force")

    problems = [str(p) for p in course_check.check_course([SET], course, say=lambda _: None)]
    assert len(problems) == 1 and problems[0].startswith(
        f"tests/cases/{SET}/claims-full.py:2: scaled-check earns 0 of 2, the case expects 2"), problems


@pytest.mark.slow  # check-course: nbgrader generate_assignment and autograde of the new set
def test_a_change_of_points_needs_no_other_edit(tmp_path):
    course = scaffolded(_scratch_course(tmp_path))
    nb_path = course / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    next(c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == "scaled-check").metadata.nbgrader["points"] = 5
    nbformat.write(nb, nb_path)
    before = {p: p.read_bytes() for p in [*(course / "tests").rglob("*.py"), *(course / "hidden_tests").glob("*.py")]}
    write_solutions(course, [SET])  # python -m autograder solutions: the headings and the points line
    nbgrader(course, "generate_assignment", SET, "--force")
    assert full_points(SET, course) == {"normalization-example-check": 2.0, "scaled-check": 5.0}
    assert "## Exercise 2: Scaled (5 points, ≈ 1 line)" in json.dumps(json.loads(nb_path.read_text()), ensure_ascii=False)
    assert course_check.check_course([SET], course, say=lambda _: None) == []
    assert before == {p: p.read_bytes() for p in before}
