"""The structure a student finds their way by, in every source notebook (issue 25).

Each exercise starts with `## Exercise N: name (k points, ≈ n lines)` (generated from the metadata,
tests/test_authoring.py), holds one task, states its expected output, folds its hint, and its
visible check prints one line when it passes. tests/test_notebooks.py runs the solutions and
compares that line with the expected output.
"""
import ast
import re

import nbformat
import pytest

from autograder.authoring import exercises
from autograder.authoring.solutions import source_notebooks
from autograder.grading import cells
from conftest import ROOT

SOURCES = source_notebooks(ROOT)
HINT = re.compile(r"<details><summary>Hint</summary>\n\n.+?\n</details>", re.DOTALL)


def code_exercises(source):
    return [e for e in exercises.exercises(nbformat.read(source, as_version=4)) if not e.written]


def expected_line(exercise) -> str:
    assert exercise.expected_output, (f"exercise {exercise.number} ({exercise.name}) states no expected output: "
                                      "'**Expected output**' then a fenced block with the line its check prints")
    return exercise.expected_output


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_every_set_has_exercises_numbered_from_one(source):
    found = exercises.exercises(nbformat.read(source, as_version=4))
    assert [e.number for e in found] == list(range(1, len(found) + 1)) and len(found) >= 4
    assert "**Contents**" in nbformat.read(source, as_version=4).cells[0].source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_every_task_states_its_expected_output_and_folds_its_hint(source):
    for exercise in code_exercises(source):
        expected_line(exercise)
        text = exercise.heading.source
        assert HINT.search(text), f"exercise {exercise.number} ({exercise.name}): no folded hint (<details>)"
        unfolded = HINT.sub("", text)
        assert "Hint" not in unfolded, f"exercise {exercise.number} ({exercise.name}): a hint outside <details>"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_every_visible_check_ends_by_printing_one_line(source):
    for exercise in code_exercises(source):
        visible, _ = cells.split_hidden(exercise.check.source)
        tree = ast.parse(visible)
        prints = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                  and isinstance(node.func, ast.Name) and node.func.id == "print"]
        last = tree.body[-1] if tree.body else None
        assert len(prints) == 1 and isinstance(last, ast.Expr) and last.value is prints[0], \
            f"exercise {exercise.number} ({exercise.name}): its check should end with one print, its success line"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_written_answers_follow_their_own_question(source):
    for exercise in exercises.exercises(nbformat.read(source, as_version=4)):
        if exercise.written:
            question = exercise.heading.source.split("\n", 1)[1:]
            assert question and question[0].strip(), \
                f"exercise {exercise.number} ({exercise.name}): the heading cell should hold the question"


def test_the_expected_output_pattern_tells_lines_apart():
    matches_expected = exercises.matches_expected
    assert matches_expected("f passes the visible checks: (5, 3)", "f passes the visible checks: (5, 3)")
    assert matches_expected("from … to …", "from 0.012 to 0.987")
    assert not matches_expected("f passes the visible checks: (5, 3)", "f passes the visible checks: (5, 4)")
    assert not matches_expected("a … b", "a x c")


def test_the_structure_is_enforced():
    """A graded cell outside an exercise, or two in one, is an authoring error."""
    nb = nbformat.v4.new_notebook()
    graded = nbformat.v4.new_code_cell("pass", metadata={"nbgrader": {"grade": True, "grade_id": "a", "points": 1}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Title"), graded]
    with pytest.raises(cells.AuthoringError, match="under no"):
        exercises.exercises(nb)
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 1: Twice"), graded, graded]
    with pytest.raises(cells.AuthoringError, match="one task per exercise"):
        exercises.exercises(nb)
    nb.cells = [nbformat.v4.new_markdown_cell("## Exercise 7: Once (9 points, ≈ 9 lines)\ntext"), graded]
    assert exercises.exercises(nb)[0].heading_line() == "## Exercise 1: Once (1 point, ≈ 0 lines)"
