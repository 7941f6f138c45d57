"""End to end through nbgrader's own CLI: the whole corpus is autograded with the kit's engine.

Every source notebook must score full marks and every release notebook 0. Each case file
(tests/sample_class/*/<assignment>/*.py, tests/cases/<assignment>/*.py) states the points
each autograded cell must get and text its feedback must contain.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

from autograder.authoring import corpus
from autograder.authoring.corpus import REFERENCE, SOURCE_COPY, UNREADABLE, gradebook_scores
from autograder.classroom.grade_file import grade_file
from conftest import ROOT
from helpers import FULL_POINTS

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

ASSIGNMENTS = corpus.assignments(ROOT)
ENTRIES = {(e.assignment, e.student): e for e in corpus.entries(ROOT)}
ASSIGNMENT = "tensors"  # the set on which the command line, feedback, export and regrading are checked
SOURCE = corpus.notebook_of(ASSIGNMENT, root=ROOT)


def submission(course, student, assignment=ASSIGNMENT):
    return course / "submitted" / student / assignment / f"{assignment}.ipynb"


@pytest.fixture(scope="module")
def graded(graded_corpus):
    """The corpus graded, one `nbgrader autograde` per set (conftest.graded_corpus): its course, which
    these tests go on to change, and its entries."""
    return graded_corpus.course, graded_corpus.entries


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_reference_solutions_score_full_marks(graded, assignment):
    assert gradebook_scores(graded[0], assignment)[REFERENCE] == FULL_POINTS[assignment]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_source_notebook_itself_is_a_course_file_not_a_submission(graded, assignment):
    """A verbatim copy of the source notebook (solutions and hidden tests in it) is refused by its
    bytes: 0 with the reason, however it reached the submission folder."""
    course, _ = graded
    assert gradebook_scores(course, assignment)[SOURCE_COPY] == dict.fromkeys(FULL_POINTS[assignment], 0.0)
    first_cell = next(iter(FULL_POINTS[assignment]))
    assert "a copy of a course file" in corpus.cell_feedback(course, SOURCE_COPY, assignment, first_cell)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_release_notebook_scores_zero(graded, assignment):
    course, _ = graded
    blank = next(e.student for e in ENTRIES.values() if e.assignment == assignment and e.case.base == "release"
                 and not e.case.replace and not e.case.insert_after)
    assert gradebook_scores(course, assignment)[blank] == dict.fromkeys(FULL_POINTS[assignment], 0.0)
    first_cell = next(iter(FULL_POINTS[assignment]))
    assert "is not implemented yet" in corpus.cell_feedback(course, blank, assignment, first_cell)


@pytest.mark.parametrize("key", ENTRIES, ids="/".join)
def test_each_case_gets_its_expected_points(graded_corpus, key):
    entry = ENTRIES[key]
    scores = graded_corpus.scores[entry.assignment][entry.student]  # as first graded, read once
    assert scores == pytest.approx(corpus.expected_scores(entry, ROOT, FULL_POINTS[entry.assignment]), abs=0.011), \
        entry.case.description


@pytest.mark.parametrize("key", [k for k, e in ENTRIES.items() if e.case.says], ids="/".join)
def test_feedback_names_the_mistake(graded, key):
    entry = ENTRIES[key]
    for grade_id, text in entry.case.says:
        feedback = corpus.cell_feedback(graded[0], entry.student, entry.assignment, grade_id)
        assert text in feedback, f"{grade_id} of {entry.student} should say {text!r}"


def test_every_mistake_is_named_in_feedback():
    for entry in ENTRIES.values():
        if entry.kind == "mistake":
            named = {grade_id for grade_id, _ in entry.case.says}
            assert set(entry.case.expect) <= named, f"{entry.case.path}: each cell that loses points needs a says: line"


def test_each_set_has_three_correct_variants_and_five_mistakes():
    for assignment in ASSIGNMENTS:
        kinds = [e.kind for e in ENTRIES.values() if e.assignment == assignment]
        assert kinds.count("correct variant") >= 4, f"{assignment}: the reference and 3 other correct variants"
        assert kinds.count("mistake") >= 5, f"{assignment}: at least 5 mistakes"


def test_the_accuracy_report_is_all_green(graded):
    rows = corpus.accuracy_rows(*graded, ROOT)
    report = corpus.format_report(rows)
    print(report)
    assert all(row.ok for row in rows), report
    assert "correct variants at full marks:" in report and "mistakes losing their points:" in report
    mistakes = {(r.entry.assignment, r.entry.student) for r in rows if r.entry.kind == "mistake"}
    assert f"mistakes named in feedback: {len(mistakes)}/{len(mistakes)}" in report, report


def test_an_unreadable_notebook_scores_zero_with_the_reason(graded):
    student, assignment = UNREADABLE
    assert gradebook_scores(graded[0], assignment)[student] == dict.fromkeys(FULL_POINTS[assignment], 0.0)
    assert "your notebook file could not be read: NotJSONError" in corpus.cell_feedback(
        graded[0], student, assignment, "zeros-check")


def test_the_command_line_scores_equal_the_gradebook(graded):
    course, _ = graded
    recorded = gradebook_scores(course, ASSIGNMENT)
    out = course / "carol.json"
    subprocess.run([sys.executable, "-m", "autograder", "grade", str(submission(course, "carol")),
                    "--source", str(SOURCE), "--json", str(out)], check=True, capture_output=True, cwd=ROOT)
    results = {"carol": json.loads(out.read_text())}
    for student in ("alice", "bob", UNREADABLE[0]):
        results[student] = grade_file(submission(course, student), SOURCE)
    for student, result in results.items():
        assert {c["grade_id"]: c["score"] for c in result["cells"]} == recorded[student], student
        assert result["score"] == pytest.approx(sum(recorded[student].values()))


def test_grading_twice_gives_identical_results(graded):
    course, _ = graded
    first = grade_file(submission(course, "carol"), SOURCE)
    second = grade_file(submission(course, "carol"), SOURCE)
    assert first == second


def test_feedback_shows_messages_but_no_hidden_test_or_solution(graded):
    course, _ = graded
    corpus.nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    html = (course / "feedback" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "make_zeros is not implemented yet" in html
    for leak in ("grade(", "HIDDEN TESTS", "return torch.zeros(rows, cols)", str(ROOT)):
        assert leak not in html, f"feedback shows {leak!r}"


def test_export_gives_one_row_per_student(graded):
    course, _ = graded
    corpus.nbgrader(course, "export")
    rows = [row for row in csv.DictReader((course / "grades.csv").open()) if row["assignment"] == ASSIGNMENT]
    by_student = {row["student_id"]: row for row in rows}
    assert float(by_student["alice"]["raw_score"]) == sum(FULL_POINTS[ASSIGNMENT].values())
    carol = ENTRIES[(ASSIGNMENT, "carol")]
    assert float(by_student["carol"]["raw_score"]) == pytest.approx(sum(corpus.expected_scores(carol, ROOT).values()))


def test_regrading_a_broken_submission_keeps_every_other_grade(graded):
    course, _ = graded
    before = gradebook_scores(course, ASSIGNMENT)
    submission(course, "carol").write_text('{"cells": [')
    corpus.nbgrader(course, "autograde", ASSIGNMENT, "--student", "carol", "--force")
    after = gradebook_scores(course, ASSIGNMENT)
    assert after["carol"] == dict.fromkeys(FULL_POINTS[ASSIGNMENT], 0.0), "the broken resubmission must not keep the old grade"
    assert {s: v for s, v in after.items() if s != "carol"} == {s: v for s, v in before.items() if s != "carol"}


def test_the_readmes_demo_totals_are_the_sample_class_as_graded(graded_corpus):
    """README's demo table (what `./kit demo` prints per set) holds each sample student's total as
    the gradebook recorded it: the sample class is part of the corpus (tests/sample_class/)."""
    rows = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and cells[0] in {"alice", "bob", "carol", "dave"}:
            rows[cells[0]] = cells[2:]
    header = next(line for line in (ROOT / "README.md").read_text().splitlines() if line.startswith("| student |"))
    sets = [cell.strip() for cell in header.strip().strip("|").split("|")][2:]
    assert sorted(sets) == sorted(ASSIGNMENTS) and set(rows) == {"alice", "bob", "carol", "dave"}
    for student, totals in rows.items():
        for assignment, shown in zip(sets, totals):
            graded_cells = graded_corpus.scores[assignment].get(student)
            if not shown:
                assert graded_cells is None, f"README shows no {assignment} total for {student}, who handed one in"
                continue
            assert graded_cells is not None, f"README shows {student}'s {assignment} total, but no submission was graded"
            assert float(shown) == pytest.approx(sum(graded_cells.values()), abs=5e-3), (student, assignment)
