"""The structure a student finds their way by, in every source notebook (issue 25).

Each exercise starts with `## Exercise N: name (k points, ≈ n lines)` (generated from the metadata,
tests/test_authoring.py), holds one task, states its expected output, folds its hint, and its
visible check prints one line when it passes. tests/test_notebooks.py runs the solutions and
compares that line with the expected output.
"""
import nbformat
import pytest

from autograder.authoring import course_check, exercises
from autograder.authoring.solutions import source_notebooks
from autograder.grading import cells
from conftest import ROOT

SOURCES = source_notebooks(ROOT)


def expected_line(exercise) -> str:
    assert exercise.expected_output, (f"exercise {exercise.number} ({exercise.name}) states no expected output: "
                                      "'**Expected output**' then a fenced block with the line its check prints")
    return exercise.expected_output


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_every_set_has_exercises_numbered_from_one(source):
    """At least 4 exercises a set: this lesson's own rule, which check-course does not apply to a course."""
    found = exercises.exercises(nbformat.read(source, as_version=4))
    assert [e.number for e in found] == list(range(1, len(found) + 1)) and len(found) >= 4
    assert "**Contents**" in nbformat.read(source, as_version=4).cells[0].source


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.parent.name)
def test_every_exercise_keeps_the_rules_of_any_course(source):
    """Each task states its expected output, folds its hint and its check ends by printing one line;
    a written answer's heading holds its question: what check-course asks of any course."""
    problems = [f"exercise {e.number} ({e.name}): {problem}" for e in exercises.exercises(nbformat.read(source, as_version=4))
                for problem in course_check.exercise_problems(e)]
    assert problems == []


def test_the_rules_fail_a_task_that_breaks_them():
    nb = nbformat.read(SOURCES[0], as_version=4)
    task = next(e for e in exercises.exercises(nb) if not e.written)
    task.heading.source = task.heading.source.replace("<details><summary>Hint</summary>", "Hint:")
    task.check.source = task.check.source.replace("print(", "str(")
    assert [p.split(":")[0] for p in course_check.exercise_problems(task)] == ["no folded hint", "its check should end with one print, the line it prints when it passes"]


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
