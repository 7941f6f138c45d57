"""A course adds a seventh exercise set as content only: a notebook, a hidden test file and a
solution, graded through nbgrader's CLI by the installed engine, with nothing under autograder/.

The scratch course holds the lesson's six sets, nbgrader_config.py and the new set, and no copy of
autograder/: the engine it runs is the one installed in this Python.
"""
from __future__ import annotations

import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder.authoring.corpus import gradebook_scores, first_message, nbgrader, submit
from conftest import ROOT

pytestmark = pytest.mark.slow  # nbgrader runs

SET = "scaling"  # the seventh set: one task, scale a tensor so that its largest magnitude is 1

TASK = '''def scale_to_unit(x):
    """x divided by its largest absolute value; x unchanged if it is all zeros."""
    ### BEGIN SOLUTION
    peak = x.abs().max()
    return x / peak if peak > 0 else x.clone()
    ### END SOLUTION
'''
CHECK = '''import torch
assert torch.allclose(scale_to_unit(torch.tensor([2.0, -4.0])), torch.tensor([0.5, -1.0]))
### BEGIN HIDDEN TESTS
grade("scaling.scale_to_unit")
### END HIDDEN TESTS
'''
HIDDEN_TEST = '''"""Hidden tests of the scaling set."""
import torch

from autograder.checks import expect_tensor
from solutions import scaling as reference


class TestScaleToUnit:
    def test_mixed_signs(self, student):
        x = torch.tensor([[1.0, -8.0], [4.0, 2.0]])
        expect_tensor(student.call("scale_to_unit", x), reference.scale_to_unit(x), what="scale_to_unit(x)")

    def test_all_zeros(self, student):
        x = torch.zeros(3)
        expect_tensor(student.call("scale_to_unit", x), reference.scale_to_unit(x), what="scale_to_unit(zeros)")
'''
SOLUTION = '''import torch


def scale_to_unit(x):
    peak = x.abs().max()
    return x / peak if peak > 0 else x.clone()
'''
ANSWERS = {
    "right": "def scale_to_unit(x):\n    m = x.abs().max()\n    return x.clone() if m == 0 else x / m\n",
    "no-abs": "def scale_to_unit(x):\n    return x / x.max()\n",  # wrong on negatives and on zeros
    "blank": "def scale_to_unit(x):\n    raise NotImplementedError\n",
}


def _cell(source, grade_id, **nbgrader):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "locked": False, "solution": False,
                                 "grade": False, **nbgrader}
    return cell


def _source_notebook():
    return new_notebook(cells=[
        new_markdown_cell("# Scaling\nWrite `scale_to_unit(x)`: `x` (float32, any shape) divided by its largest "
                          "absolute value."),
        _cell(TASK, "scale-answer", solution=True),
        _cell(CHECK, "scale-check", grade=True, locked=True, points=3),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})


def test_a_seventh_set_is_graded_from_content_alone(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    for name in ("source", "hidden_tests", "solutions"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    assert not (course / "autograder").exists()
    (course / "source" / SET).mkdir()
    nbformat.write(_source_notebook(), course / "source" / SET / f"{SET}.ipynb")
    (course / "hidden_tests" / f"test_{SET}.py").write_text(HIDDEN_TEST)
    (course / "solutions" / f"{SET}.py").write_text(SOLUTION)

    nbgrader(course, "generate_assignment", SET, "--force")
    release = nbformat.read(course / "release" / SET / f"{SET}.ipynb", as_version=4)
    assert "BEGIN HIDDEN" not in nbformat.writes(release)
    for student, answer in ANSWERS.items():
        nb = nbformat.read(course / "release" / SET / f"{SET}.ipynb", as_version=4)
        next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "scale-answer").source = answer
        nbformat.write(nb, submit(course, student, SET))
    run = nbgrader(course, "autograde", SET, "--force")

    scores = gradebook_scores(course, SET)
    assert scores == {"right": {"scale-check": 3.0},
                      "no-abs": {"scale-check": 0.0},
                      "blank": {"scale-check": 0.0}}, run.stderr[-3000:]
    assert "scale_to_unit(x)" in first_message(course, "no-abs", SET, "scale-check")
    # the engine that graded is the installed one, not a copy in the course
    assert not (course / "autograder").exists()
