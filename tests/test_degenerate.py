"""Degenerate answers, generated for every task from the source notebooks (autograder/authoring/degenerate.py),
graded through nbgrader: each scores 0 on its own cell and costs no other cell anything."""
from __future__ import annotations

import pytest

from autograder.authoring import corpus
from autograder.authoring import degenerate
from conftest import LANES, ROOT
from helpers import FULL_POINTS

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

ENTRIES = {(e.assignment, e.student): e for e in degenerate.entries(ROOT)}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course = corpus.copy_course(tmp_path_factory.mktemp("degenerate"))
    corpus.grade_entries(course, list(ENTRIES.values()), ROOT, workers=LANES)
    return {assignment: corpus.gradebook_scores(course, assignment) for assignment in corpus.assignments(ROOT)}


def test_every_task_of_every_set_has_its_degenerate_answers():
    for nb_path in corpus.assignments(ROOT):
        tasks = degenerate.tasks(corpus.notebook_of(nb_path, root=ROOT))
        assert tasks and all(definitions for _, _, definitions in tasks), nb_path
        assert len([e for e in ENTRIES.values() if e.assignment == nb_path]) == len(tasks) * len(degenerate.RETURNS)


@pytest.mark.parametrize("key", ENTRIES, ids="/".join)
def test_a_degenerate_answer_scores_zero_on_its_cell_and_nothing_less_elsewhere(graded, key):
    entry = ENTRIES[key]
    expected = corpus.expected_scores(entry, ROOT, FULL_POINTS[entry.assignment])
    assert graded[entry.assignment][entry.student] == pytest.approx(expected, abs=0.011), \
        entry.case.description
