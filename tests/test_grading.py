"""End to end through nbgrader's own CLI: a class of cases per exercise set is autograded with the kit's engine.

Every source notebook must score full marks and every release notebook 0. Each case file
(tests/sample_class/*/<assignment>/*.py, tests/cases/<assignment>/*.py)
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

ASSIGNMENTS = sorted(path.name for path in (ROOT / "source").iterdir() if path.is_dir())
ASSIGNMENT = "tensors"  # the set on which the command line, feedback, export and regrading are checked
UNREADABLE = "dave"  # tests/sample_class/dave/tensors holds a broken .ipynb, not a case file


def notebook_of(assignment, kind="source"):
    return ROOT / kind / assignment / f"{assignment}.ipynb"


def cases_of(assignment):
    cases = {path.parent.parent.name: read_case(path)
             for path in sorted(ROOT.glob(f"tests/sample_class/*/{assignment}/*.py"))}
    return cases | {path.stem: read_case(path) for path in sorted(ROOT.glob(f"tests/cases/{assignment}/*.py"))}


def full_points(assignment):
    return {cells.nbgrader_meta(c)["grade_id"]: float(cells.nbgrader_meta(c)["points"])
            for c in nbformat.read(notebook_of(assignment), as_version=4).cells if cells.is_test_cell(c)}


CASES = {assignment: cases_of(assignment) for assignment in ASSIGNMENTS}
FULL = {assignment: full_points(assignment) for assignment in ASSIGNMENTS}
EVERY_CASE = [(assignment, student) for assignment in ASSIGNMENTS for student in CASES[assignment]]
SOURCE = notebook_of(ASSIGNMENT)


def submission(course, student, assignment=ASSIGNMENT):
    return course / "submitted" / student / assignment / f"{assignment}.ipynb"


def expected_scores(assignment, case) -> dict[str, float]:
    full = FULL[assignment]
    default = full if case.base == "reference" else dict.fromkeys(full, 0.0)
    return {**default, **case.expect}


@pytest.fixture(scope="module")
def graded(released_course):
    """The released course with every case of every set submitted and `nbgrader autograde` run once per set."""
    course = released_course
    for assignment in ASSIGNMENTS:
        for student, case in CASES[assignment].items():
            path = submission(course, student, assignment)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(build_notebook(case, notebook_of(assignment, "release"), notebook_of(assignment)), path)
        reference = submission(course, "source-notebook", assignment)
        reference.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(notebook_of(assignment), reference)
    broken = submission(course, UNREADABLE)
    broken.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "tests" / "sample_class" / UNREADABLE / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", broken)
    for assignment in ASSIGNMENTS:
        nbgrader(course, "autograde", assignment, "--force")
    return course


def cell_text(course, student, grade_id, assignment=ASSIGNMENT) -> str:
    nb = nbformat.read(course / "autograded" / student / assignment / f"{assignment}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == grade_id)
    return json.dumps(cell.outputs)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_source_notebook_scores_full_marks(graded, assignment):
    assert gradebook_scores(graded, assignment)["source-notebook"] == FULL[assignment]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_notebook_scores_zero(graded, assignment):
    blank = next(s for s, case in CASES[assignment].items() if case.base == "release" and not case.replace
                 and not case.insert_after)
    assert gradebook_scores(graded, assignment)[blank] == dict.fromkeys(FULL[assignment], 0.0)
    assert "is not implemented yet" in cell_text(graded, blank, next(iter(FULL[assignment])), assignment)


@pytest.mark.parametrize("assignment, student", EVERY_CASE)
def test_each_case_gets_its_expected_points(graded, assignment, student):
    case = CASES[assignment][student]
    assert gradebook_scores(graded, assignment)[student] == pytest.approx(expected_scores(assignment, case)), \
        case.description


@pytest.mark.parametrize("assignment, student", [(a, s) for a, s in EVERY_CASE if CASES[a][s].says])
def test_feedback_names_the_mistake(graded, assignment, student):
    for grade_id, text in CASES[assignment][student].says:
        assert text in cell_text(graded, student, grade_id, assignment), f"{grade_id} of {student} should say {text!r}"


def test_an_unreadable_notebook_scores_zero_with_the_reason(graded):
    assert gradebook_scores(graded, ASSIGNMENT)[UNREADABLE] == dict.fromkeys(FULL[ASSIGNMENT], 0.0)
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
    assert float(rows["alice"]["raw_score"]) == sum(FULL[ASSIGNMENT].values())
    assert float(rows["carol"]["raw_score"]) == pytest.approx(
        sum(expected_scores(ASSIGNMENT, CASES[ASSIGNMENT]["carol"]).values()))
    assert set(rows) >= set(CASES[ASSIGNMENT]) | {UNREADABLE}


def test_regrading_a_broken_submission_keeps_every_other_grade(graded):
    before = gradebook_scores(graded, ASSIGNMENT)
    submission(graded, "carol").write_text('{"cells": [')
    nbgrader(graded, "autograde", ASSIGNMENT, "--student", "carol", "--force")
    after = gradebook_scores(graded, ASSIGNMENT)
    assert after["carol"] == dict.fromkeys(FULL[ASSIGNMENT], 0.0), "the broken resubmission must not keep the old grade"
    assert {s: v for s, v in after.items() if s != "carol"} == {s: v for s, v in before.items() if s != "carol"}
