"""The results model and its writers (autograder.results): Gradescope results.json and the class summary.

The sample class is graded once on `tensors`; every figure is checked against the gradebook and
the autograded notebooks, never against numbers written here.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

from autograder.authoring.corpus import cell_feedback, first_message, gradebook_scores
from autograder.grading.cell_result import CellResult
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import AssignmentCell
from autograder.results.model import read_cell, read_graded_submission
from autograder.results.writers import as_gradescope, assignment_summary as class_summary, format_summary, plot_summary
from helpers import cli, max_points

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

ASSIGNMENT = "tensors"  # the set conftest's graded_class is graded on


@pytest.fixture(scope="module")
def graded(graded_class) -> Path:
    """The sample class graded on tensors (conftest's session fixture, shared with test_classroom)."""
    assert graded_class.result.failed == [] and len(graded_class.result.students) >= 3
    return graded_class.course


def gradescope_results(course, assignment, student):
    return as_gradescope(read_graded_submission(Course(course), assignment, student))


def test_summary_figures_come_from_the_gradebook(graded):
    truth, points = gradebook_scores(graded, ASSIGNMENT), max_points(graded, ASSIGNMENT)
    rows = class_summary(Course(graded), ASSIGNMENT)
    assert [row.cell.grade_id for row in rows] == list(points)  # every autograded cell, in notebook order
    assert any(0 < row.mean < row.cell.max_score for row in rows), "the sample class should be mixed"
    for row in rows:
        cell_scores = [truth[student][row.cell.grade_id] for student in sorted(truth)]
        assert row.cell.max_score == points[row.cell.grade_id]
        assert row.mean == pytest.approx(sum(cell_scores) / len(cell_scores))
        assert row.full_marks == sum(score == points[row.cell.grade_id] for score in cell_scores)
        losers = [s for s in sorted(truth) if truth[s][row.cell.grade_id] < points[row.cell.grade_id]]
        assert bool(row.failures) == bool(losers)
        assert len(row.failures) <= 3
        for message, count in row.failures:
            # each student counts once; messages that differ only in numbers count as one
            seen = [s for s in losers if json.dumps(message)[1:-1] in cell_feedback(graded, s, ASSIGNMENT, row.cell.grade_id)]
            assert 1 <= len(seen) <= count <= len(losers), (row.cell.grade_id, message)
            if not any(ch.isdigit() for ch in message):
                assert count == len(seen), (row.cell.grade_id, message)
        counts = [count for _, count in row.failures]
        assert counts == sorted(counts, reverse=True)


def test_summary_prints_and_plots(graded, tmp_path):
    rows = class_summary(Course(graded), ASSIGNMENT)
    text = format_summary(ASSIGNMENT, rows)
    for row in rows:
        line = next(line for line in text.splitlines() if line.startswith(row.cell.grade_id))
        assert f"{row.mean:.2f} / {row.cell.max_score:g}" in line
        assert f"{row.full_marks}/{len(row.scores)}" in line
        for message, count in row.failures:
            assert f"{count}x {message[:60]}" in text
    png = plot_summary(ASSIGNMENT, rows, tmp_path / "summary.png")
    import matplotlib.image

    image = matplotlib.image.imread(png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert image.shape[0] > 100 and image.shape[1] > 300


def test_gradescope_results_match_the_gradebook(graded):
    truth, points = gradebook_scores(graded, ASSIGNMENT), max_points(graded, ASSIGNMENT)
    for student, cell_scores in truth.items():
        results = gradescope_results(graded, ASSIGNMENT, student)
        assert [t["name"] for t in results["tests"]] == list(points)
        for test in results["tests"]:
            assert test["score"] == pytest.approx(cell_scores[test["name"]], abs=0.005)
            assert test["max_score"] == points[test["name"]]
            assert isinstance(test["output"], str)
            if test["score"] < test["max_score"]:
                message = first_message(graded, student, ASSIGNMENT, test["name"])
                assert message and message.removeprefix("- ") in test["output"]
        assert results["score"] == pytest.approx(sum(cell_scores.values()), abs=0.01)
        text = json.dumps(results)
        for secret in ["BEGIN HIDDEN", "grade(", "hidden_tests", str(graded)]:
            assert secret not in text, f"{secret!r} leaked into {student}'s results.json"


def test_a_test_cell_without_a_record_is_not_graded_and_shows_nothing_of_its_outputs(tmp_path):
    """Outputs the grader did not write as a record (here an error with a traceback) are never read."""
    cell = new_code_cell("secret_hidden_check()", metadata={"nbgrader": {"grade": True, "grade_id": "c1", "points": 1}})
    cell.outputs = [new_output("error", ename="AssertionError", evalue=f"wrong in {tmp_path}/x",
                               traceback=["secret_hidden_check()", "assert hidden_value == 42"])]
    path = tmp_path / "autograded" / "s" / "a" / "nb.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[cell]), path)
    result = read_cell(Course(tmp_path), "s", "a", AssignmentCell("nb", "c1", 1), 0.0)
    assert len(result.messages) == 1 and result.messages[0].startswith("not graded: the test cell holds no result record")
    assert "secret" not in result.shown and "hidden_value" not in result.shown and str(tmp_path) not in result.shown


def test_messages_are_read_from_the_record_the_engine_wrote_not_from_text(tmp_path):
    """A cell's messages come from the CellResult in its first output; printed look-alikes are only shown."""
    written = CellResult("c1", 0.5, 1, ["make_zeros returned ones"], 1, 2, ["tensors.zeros"])
    printed = new_output("stream", name="stdout", text="- Not passed: everything is fine\n")
    cell = new_code_cell("check()", metadata={"nbgrader": {"grade": True, "grade_id": "c1", "points": 1}})
    cell.outputs = [nbformat.from_dict(o) for o in written.outputs([printed])]
    path = tmp_path / "autograded" / "s" / "a" / "nb.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(new_notebook(cells=[cell]), path)
    result = read_cell(Course(tmp_path), "s", "a", AssignmentCell("nb", "c1", 1), 0.5)
    assert (result.messages, result.tests_passed, result.tests_total, result.items) == \
        (["make_zeros returned ones"], 1, 2, ["tensors.zeros"])
    assert "1 of 2 passed" in result.shown and "everything is fine" in result.shown


def test_command_line_writes_the_reports(graded, tmp_path):
    result = cli(graded, "gradescope", ASSIGNMENT, "--out", str(tmp_path / "gs"))
    assert result.returncode == 0, result.stderr
    truth = gradebook_scores(graded, ASSIGNMENT)
    written = sorted(p.parent.name for p in (tmp_path / "gs").glob("*/results.json"))
    assert written == sorted(truth)
    for student in written:
        assert json.loads((tmp_path / "gs" / student / "results.json").read_text()) == \
            gradescope_results(graded, ASSIGNMENT, student)
    result = cli(graded, "summary", ASSIGNMENT, "--png", str(tmp_path / "summary.png"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(format_summary(ASSIGNMENT, class_summary(Course(graded), ASSIGNMENT)))
    assert (tmp_path / "summary.png").stat().st_size > 0
