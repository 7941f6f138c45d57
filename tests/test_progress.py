"""`nbgrader autograde` says which submission of how many it grades (autograder/nbgrader/progress.py):
plain lines in a log, tqdm's bar on a terminal."""
from __future__ import annotations

import shlex
import shutil
import subprocess
import sys

import pytest

from autograder.authoring import corpus
from conftest import ROOT

pytestmark = pytest.mark.slow  # nbgrader runs: not in ./kit test --fast

ASSIGNMENT = "devices"
STUDENTS = ("amy", "ben", "cy")


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A released set and three submissions of its release notebook."""
    course = corpus.copy_course(tmp_path_factory.mktemp("progress"))
    corpus.nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    for student in STUDENTS:
        shutil.copy(corpus.notebook_of(ASSIGNMENT, "release", course), corpus.submit(course, student, ASSIGNMENT))
    return course


def test_a_log_gets_one_line_per_submission_with_its_place(course):
    log = corpus.nbgrader(course, "autograde", ASSIGNMENT, "--force").stderr
    for place, student in enumerate(STUDENTS, start=1):
        assert f"autograde: {ASSIGNMENT} for {student} ({place} of {len(STUDENTS)})" in log, log[-3000:]


@pytest.mark.skipif(shutil.which("script") is None, reason="needs util-linux's `script` for a terminal")
def test_a_terminal_gets_a_bar_of_done_and_all_with_the_current_student(course):
    command = shlex.join([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT, "--force"])
    shown = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=course, capture_output=True, text=True,
                           timeout=600).stdout
    assert "autograde: 100%" in shown and f"{len(STUDENTS)}/{len(STUDENTS)}" in shown, shown[-3000:]
    assert f"{ASSIGNMENT} for {STUDENTS[-1]}" in shown
    assert f"(1 of {len(STUDENTS)})" not in shown, "a terminal gets the bar, not the log's lines"
