"""Shared fixtures, built once a session: the released course and the sample class graded on it.

Tests read them as they are; a test that changes a course works on `helpers.copy_of` one. The
helpers of the course copies live in autograder.authoring.corpus, the tests' own in tests/helpers.py.
"""
from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import NamedTuple

import pytest

from autograder.authoring.corpus import assignments, copy_course, gradebook_scores, grade_corpus, nbgrader
from autograder.classroom.grade_class import Result, grade_class
from helpers import ROOT, SAMPLE_ASSIGNMENT, copy_of, hand_in_sample_class  # noqa: F401 (ROOT: for tests)

# nbgrader runs its helpers (alembic) from PATH: make this interpreter's scripts win.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"

# One grading run keeps about one core busy (grader and student process take turns), so the fixtures
# that grade hundreds of notebooks deal them to a lane per core (at most 4: each lane holds a grader
# and a sandbox in memory). Only fixtures whose tests judge grades, not time, do.
LANES = max(1, min(4, len(os.sched_getaffinity(0))))

@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A course copy in which `nbgrader generate_assignment` ran for every assignment (read-only)."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    for assignment in assignments(course):
        nbgrader(course, "generate_assignment", assignment, "--force")
    return course


class GradedClass(NamedTuple):
    course: Path
    result: Result  # grade_class's
    progress: str  # what its progress bar wrote


@pytest.fixture(scope="session")
def graded_class(released_course, tmp_path_factory) -> GradedClass:
    """The released course with the sample class's submissions of `tensors` (eve's included), graded
    by grade_class across 2 workers into the course's gradebook (read-only)."""
    course = hand_in_sample_class(copy_of(released_course, tmp_path_factory.mktemp("graded-class")))
    stream = io.StringIO()
    result = grade_class(course, SAMPLE_ASSIGNMENT, workers=2, stream=stream)
    return GradedClass(course, result, stream.getvalue())


class GradedCorpus(NamedTuple):
    course: Path  # tests/test_grading.py goes on to regrade and export in it
    entries: list  # the corpus's entries (corpus.Entry) graded
    scores: dict  # {set: {student: {grade_id: score}}} as first graded, before any test changed the course


@pytest.fixture(scope="session")
def graded_corpus(tmp_path_factory) -> GradedCorpus:
    """A course copy with every case of every set submitted and `nbgrader autograde` run once per set,
    for tests/test_grading.py and tests/test_simulated_device.py (graded once for both)."""
    course = copy_course(tmp_path_factory.mktemp("graded"))
    entries = grade_corpus(course, ROOT, workers=LANES)
    return GradedCorpus(course, entries, {assignment: gradebook_scores(course, assignment)
                                          for assignment in assignments(course)})
