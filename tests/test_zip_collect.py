"""An LMS zip through `nbgrader zip_collect`, then autograde with the course's late policy.

A Canvas-style zip holds an on-time student, a late one, one whose notebook has another name and
one who uploaded a .py file: each gets a stated outcome, none is dropped without a message.
"""
from __future__ import annotations

import zipfile

import nbformat
import pytest

from autograder.authoring import corpus
from autograder.authoring.corpus import nbgrader
from course_steps import notebook_with
from helpers import copy_of, gradebook

pytestmark = pytest.mark.slow
DUE = "2030-01-10 17:00:00 UTC"


@pytest.fixture(scope="module")
def collected(released_course, tmp_path_factory):
    course = copy_of(released_course, tmp_path_factory.mktemp("lms") / "course")
    nbgrader(course, "db", "assignment", "add", "tensors", f"--duedate={DUE}")
    solved = nbformat.writes(notebook_with("tensors", {}))
    download = course / "downloaded" / "tensors"
    (download / "archive").mkdir(parents=True)
    with zipfile.ZipFile(download / "archive" / "submissions.zip", "w") as archive:
        archive.writestr("smithalice_1001_5001_tensors.ipynb", solved)
        archive.writestr("jonesbob_late_1002_5002_tensors.ipynb", solved)
        archive.writestr("leecarol_1003_5003_Tensors (1).ipynb", solved)
        archive.writestr("kimdan_1004_5004_tensors.py", "def make_zeros(rows, cols): ...\n")
    (download / "submission_times.csv").write_text(
        "student_id,timestamp\nsmithalice,2030-01-10 12:00:00 UTC\njonesbob,2030-01-11 23:00:00 UTC\n")
    log = nbgrader(course, "zip_collect", "tensors", "--collector=autograder.nbgrader.lms.CanvasCollector").stderr
    graded = nbgrader(course, "autograde", "tensors", "--force").stderr
    return course, log, graded


def test_every_file_gets_an_outcome(collected):
    course, log, _ = collected
    submitted = {path.parent.parent.name: path.name for path in (course / "submitted").glob("*/tensors/*.ipynb")}
    assert submitted == {"smithalice": "tensors.ipynb", "jonesbob": "tensors.ipynb", "leecarol": "tensors.ipynb"}
    assert "leecarol uploaded 'Tensors (1).ipynb': collected as tensors.ipynb" in log
    assert "Not collected: tensors.py from kimdan is not a notebook" in log
    assert "3 files collected, 1 files skipped" in log


def test_late_submission_loses_the_stated_points(collected):
    course, _, graded = collected
    with gradebook(course) as book:
        result = {s.student.id: (s.total_seconds_late, s.late_submission_penalty, s.score)
                  for s in book.find_assignment("tensors").submissions}
    full = sum(corpus.full_points("tensors").values())  # the reference solutions: every point
    assert result["smithalice"] == (0, 0, full)
    assert result["leecarol"] == (0, 0, full)  # no time given: collected on time
    seconds_late, penalty, score = result["jonesbob"]
    # 30 hours late: two started days at 10% each of the score; nbgrader keeps the penalty beside the score
    assert seconds_late == 30 * 3600 and score == pytest.approx(full) and penalty == pytest.approx(0.2 * full)
    assert f"jonesbob is late by 2 started day(s): {0.2 * full:.2f} of {full:.2f} points deducted" in graded


def test_a_name_that_makes_no_safe_student_id_is_not_collected():
    """Moodle names a file by the student's full name; one with no letter a-z or digit made an empty
    id (a submission in submitted/<assignment>/), one with a quote would reach formgrader's scripts."""
    from autograder.nbgrader.lms import MoodleCollector

    class Moodle(MoodleCollector):  # the course's part, without a course
        def released_notebooks(self):
            return ["tensors.ipynb"]

        def submission_times(self):
            return {}

    moodle = Moodle()
    assert moodle.collect("John Smith_1234567_assignsubmission_file_tensors.ipynb")["student_id"] == "john-smith"
    for name in ("李雷_1234567_assignsubmission_file_tensors.ipynb", "Ωμέγα_1234568_assignsubmission_file_tensors.ipynb"):
        assert moodle.collect(name) is None, name
