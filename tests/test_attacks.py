"""The adversarial corpus (tests/attacks/<set>/<attack>.py) graded through `nbgrader autograde`.

Every attack is a student named by it, with an honest student after it. All first submit
the reference solution and are graded; then the attacks are submitted and regraded under
tighter limits (corpus.ATTACK_LIMITS). Each attack must earn exactly what its case file
says, with the message it names; no grade survives from the first run; the honest students
keep full marks; and nbgrader goes through the whole class without an error.
"""
from __future__ import annotations

import pytest

from autograder import corpus
from conftest import ROOT

ATTACKS = {e.student: e for e in corpus.attack_entries(ROOT)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = corpus.copy_course(tmp_path_factory.mktemp("attacked"))
    entries, log = corpus.grade_attacks(course, ROOT)
    return course, entries, log


def applicable(entry):
    if not entry.applies_here:
        pytest.skip(f"the expected points of {entry.student} hold on {entry.case.device} only")


def scores(course, entry):
    return corpus.gradebook_scores(course, entry.assignment).get(entry.student)


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_earns_what_it_should(graded, attack):
    course, _, _ = graded
    entry = ATTACKS[attack]
    applicable(entry)
    assert scores(course, entry) == pytest.approx(corpus.expected_scores(entry, ROOT), abs=0.011), \
        entry.case.description


@pytest.mark.parametrize("attack", [a for a, e in ATTACKS.items() if e.case.says])
def test_each_attack_gets_its_message(graded, attack):
    course, _, _ = graded
    entry = ATTACKS[attack]
    applicable(entry)
    for grade_id, text in entry.case.says:
        assert text in corpus.cell_feedback(course, attack, entry.assignment, grade_id), f"{grade_id}: {text!r}"


def test_the_honest_student_after_each_attack_keeps_full_marks(graded):
    course, entries, _ = graded
    for entry in entries:
        if entry.student.endswith("-then-honest"):
            assert scores(course, entry) == corpus.full_points(entry.assignment, ROOT), entry.student


def test_nbgrader_graded_every_student_without_an_error(graded):
    course, entries, log = graded
    assert "There was an error processing" not in log
    for entry in entries:
        assert (course / "autograded" / entry.student / entry.assignment / f"{entry.assignment}.ipynb").exists()


def test_floods_of_output_stay_out_of_the_graded_notebook(graded):
    course, _, _ = graded
    notebook = course / "autograded" / "output-flood" / "tensors" / "tensors.ipynb"
    assert notebook.stat().st_size < 3 * 2**20


def test_fake_result_files_land_nowhere_but_in_the_sandbox(graded):
    course, _, _ = graded
    planted = [p for p in course.rglob("*") if p.name in ("results.json", "grades.csv")
               or (p.name == "gradebook.db" and p.parent != course)]
    assert planted == []
