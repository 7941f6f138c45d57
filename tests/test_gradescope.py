"""The kit as a Gradescope autograder (`python -m autograder gradescope-run`): one submission folder in, results.json out.

Each test grades a Gradescope-style submission folder in a copy of the course that has never
been released, as a fresh Gradescope container has it, and reads back the results.json.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.corpus import copy_course, full_points, notebook_of
from autograder.authoring.submissions import Case, build_notebook

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

ASSIGNMENT = "tensors"


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return copy_course(tmp_path_factory.mktemp("gradescope"))


def notebook(base: str):
    return build_notebook(Case(Path(base), base, {}), notebook_of(ASSIGNMENT, "release"), notebook_of(ASSIGNMENT))


def gradescope_run(course: Path, submission: Path) -> dict:
    results = submission.parent / "results" / "results.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "gradescope-run", ASSIGNMENT,
                          "--submission", str(submission), "--results", str(results)],
                         cwd=course, capture_output=True, text=True, timeout=600,
                         env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(results.read_text())


def test_a_lone_notebook_under_another_name_is_graded_as_the_assignment(course, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    nbformat.write(notebook("reference"), submission / f"{ASSIGNMENT} (1).ipynb")
    results = gradescope_run(course, submission)
    full = full_points(ASSIGNMENT)
    assert {test["name"]: test["max_score"] for test in results["tests"]} == full
    assert {test["name"]: test["score"] for test in results["tests"]} == full, results
    assert results["score"] == pytest.approx(sum(full.values()))
    assert f"Graded {ASSIGNMENT} (1).ipynb as {ASSIGNMENT}.ipynb." in results["output"]


def test_the_notebook_named_as_the_assignment_wins_over_others(course, tmp_path):
    submission = tmp_path / "submission"
    (submission / "scratch").mkdir(parents=True)
    nbformat.write(notebook("release"), submission / f"{ASSIGNMENT}.ipynb")  # blank: 0 points
    nbformat.write(notebook("reference"), submission / "scratch" / "copied-from-a-friend.ipynb")
    results = gradescope_run(course, submission)
    assert results["score"] == 0 and all(test["score"] == 0 for test in results["tests"]), results
    assert all(test["output"] for test in results["tests"]), "each cell should say why it got 0"


def test_a_submission_without_a_notebook_gets_zero_and_the_reason(course, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / "answers.py").write_text("x = 1\n")
    results = gradescope_run(course, submission)
    assert results["score"] == 0
    assert [test["max_score"] for test in results["tests"]] == list(full_points(ASSIGNMENT).values())
    reason = f"{ASSIGNMENT}.ipynb is not in your submission (it has no notebook at all)"
    assert reason in results["output"] and all(reason in test["output"] for test in results["tests"])


def test_a_link_to_the_courses_own_notebook_is_not_a_submission(course, tmp_path):
    submission = tmp_path / "submission"
    (submission / "folder").mkdir(parents=True)
    (submission / f"{ASSIGNMENT}.ipynb").symlink_to(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    (submission / "folder" / "linked").symlink_to(course / "source" / ASSIGNMENT, target_is_directory=True)
    results = gradescope_run(course, submission)
    assert results["score"] == 0, results
    assert "is not in your submission (it has no notebook at all)" in results["output"]
    assert f"{ASSIGNMENT}.ipynb was not read: it is a link" in results["output"]


def test_a_copy_of_the_courses_source_notebook_is_not_a_submission(course, tmp_path):
    """A regular file with the source notebook's bytes (a hard link, a copy made where the course
    leaked) is refused by its bytes, and the student is told why."""
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / f"{ASSIGNMENT}.ipynb").write_bytes((course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())
    results = gradescope_run(course, submission)
    assert results["score"] == 0, results
    assert f"{ASSIGNMENT}.ipynb was not read: it is a copy of a course file" in results["output"]


def test_an_assignment_the_course_does_not_have_stops_with_a_message(course, tmp_path):
    run = subprocess.run([sys.executable, "-m", "autograder", "gradescope-run", "no-such-assignment",
                          "--submission", str(tmp_path), "--results", str(tmp_path / "results.json")],
                         cwd=course, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert run.returncode == 2
    assert "no assignment 'no-such-assignment'" in run.stderr and ASSIGNMENT in run.stderr
    assert not (tmp_path / "results.json").exists()
