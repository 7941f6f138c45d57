"""End to end through nbgrader's own CLI: a class of cases is autograded with the kit's engine.

Each case file (tests/sample_class/*/<assignment>/*.py, tests/cases/<assignment>/*.py)
states the points each autograded cell must get and text its feedback must contain.
"""
from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder import cells
from autograder.grade_file import grade_file
from autograder.submissions import build_notebook, read_case
from conftest import ROOT, gradebook_scores, nbgrader

ASSIGNMENT = "tensors"
SOURCE = ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
RELEASE = ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
CASES = {path.parent.parent.name: read_case(path) for path in sorted(ROOT.glob(f"tests/sample_class/*/{ASSIGNMENT}/*.py"))}
CASES |= {path.stem: read_case(path) for path in sorted(ROOT.glob(f"tests/cases/{ASSIGNMENT}/*.py"))}
FULL = {cells.nbgrader_meta(c)["grade_id"]: float(cells.nbgrader_meta(c)["points"])
        for c in nbformat.read(SOURCE, as_version=4).cells if cells.is_test_cell(c)}
UNREADABLE = "dave"  # tests/sample_class/dave holds a broken .ipynb, not a case file


def submission(course, student):
    return course / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"


def expected_scores(case) -> dict[str, float]:
    default = FULL if case.base == "reference" else dict.fromkeys(FULL, 0.0)
    return {**default, **case.expect}


@pytest.fixture(scope="module")
def graded(released_course):
    """The released course with every case submitted and `nbgrader autograde` run once."""
    course = released_course
    for student, case in CASES.items():
        path = submission(course, student)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_notebook(case, RELEASE, SOURCE), path)
    broken = submission(course, UNREADABLE)
    broken.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "sample_class" / UNREADABLE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", broken)
    reference = submission(course, "source-notebook")
    reference.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SOURCE, reference)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    return course


def cell_text(course, student, grade_id) -> str:
    nb = nbformat.read(course / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == grade_id)
    return json.dumps(cell.outputs)


def test_the_source_notebook_scores_full_marks(graded):
    assert gradebook_scores(graded, ASSIGNMENT)["source-notebook"] == FULL


@pytest.mark.parametrize("student", CASES)
def test_each_case_gets_its_expected_points(graded, student):
    case = CASES[student]
    assert gradebook_scores(graded, ASSIGNMENT)[student] == pytest.approx(expected_scores(case)), case.description


@pytest.mark.parametrize("student", [s for s, case in CASES.items() if case.says])
def test_feedback_names_the_mistake(graded, student):
    for grade_id, text in CASES[student].says:
        assert text in cell_text(graded, student, grade_id), f"{grade_id} of {student} should say {text!r}"


def test_an_unreadable_notebook_scores_zero_with_the_reason(graded):
    assert gradebook_scores(graded, ASSIGNMENT)[UNREADABLE] == dict.fromkeys(FULL, 0.0)
    assert "your notebook file could not be read: NotJSONError" in cell_text(graded, UNREADABLE, "zeros-check")


def test_the_command_line_scores_equal_the_gradebook(graded):
    recorded = gradebook_scores(graded, ASSIGNMENT)
    out = graded / "carol.json"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission(graded, "carol")),
                    "--source", str(SOURCE), "--json", str(out)], check=True, capture_output=True, cwd=ROOT)
    results = {"carol": json.loads(out.read_text())}
    for student in ("bob", UNREADABLE, "cheat-input-transformer-on-correct"):
        results[student] = grade_file(submission(graded, student), SOURCE)
    for student, result in results.items():
        assert {c["grade_id"]: c["score"] for c in result["cells"]} == recorded[student], student
        assert result["score"] == pytest.approx(sum(recorded[student].values()))


def test_feedback_shows_messages_but_no_hidden_test_or_solution(graded):
    nbgrader(graded, "generate_feedback", ASSIGNMENT, "--force")
    html = (graded / "feedback" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "make_zeros is not implemented yet" in html
    for leak in ("grade(", "HIDDEN TESTS", "return torch.zeros(rows, cols)", str(ROOT)):
        assert leak not in html, f"feedback shows {leak!r}"


def test_export_gives_one_row_per_student(graded):
    nbgrader(graded, "export")
    rows = {row["student_id"]: row for row in csv.DictReader((graded / "grades.csv").open())}
    assert float(rows["alice"]["raw_score"]) == sum(FULL.values())
    assert float(rows["carol"]["raw_score"]) == pytest.approx(sum(expected_scores(CASES["carol"]).values()))
    assert set(rows) >= set(CASES) | {UNREADABLE}


def test_regrading_a_broken_submission_keeps_every_other_grade(graded):
    before = gradebook_scores(graded, ASSIGNMENT)
    submission(graded, "carol").write_text('{"cells": [')
    nbgrader(graded, "autograde", ASSIGNMENT, "--student", "carol", "--force")
    after = gradebook_scores(graded, ASSIGNMENT)
    assert after["carol"] == dict.fromkeys(FULL, 0.0), "the broken resubmission must not keep the old grade"
    assert {s: v for s, v in after.items() if s != "carol"} == {s: v for s, v in before.items() if s != "carol"}
