"""What the tests share beside fixtures: the repository root, the kit's command line, the gradebook."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from nbgrader.api import Gradebook

from autograder.authoring import corpus
from autograder.authoring.submissions import build_sample_class
from autograder.nbgrader import gradebook as kit_gradebook
from autograder.nbgrader.course import Course

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ASSIGNMENT = "tensors"  # the set the sample class (tests/sample_class) hands in
UNGRADABLE = "eve"  # the sample class's student whose submission cannot be graded
# {set: {grade_id: points}} of the repository's course, read once for every test of the corpora
FULL_POINTS = {assignment: corpus.full_points(assignment, ROOT) for assignment in corpus.assignments(ROOT)}
_QUIET = dict(os.environ, PYTHONWARNINGS="ignore")


def scores(course: Path, assignment: str, db_url: str | None = None) -> dict[str, dict[tuple[str, str], float]]:
    """{student: {(notebook, grade_id): score}} of the autograded cells, as nbgrader recorded them."""
    return kit_gradebook.autograded_scores(Course(course, db_url).db_url, assignment)


def gradebook(course: Path) -> Gradebook:
    """nbgrader's Gradebook of the course (a context manager), opened where nbgrader keeps it."""
    return Gradebook(Course(course).db_url)


def max_points(course: Path, assignment: str) -> dict[str, float]:
    """{grade_id: max score} of the assignment's graded cells, as the gradebook holds them."""
    with gradebook(course) as book:
        return {cell.name: cell.max_score for nb in book.find_assignment(assignment).notebooks
                for cell in nb.grade_cells}


def cli(course: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m autograder ARGS` run in `course`, to its end."""
    return subprocess.run([sys.executable, "-m", "autograder", *args], cwd=course, capture_output=True, text=True,
                          env=_QUIET, timeout=timeout)


def start_cli(course: Path, *args: str) -> subprocess.Popen:
    """`python -m autograder ARGS` started in `course` (several run at once); `finish` waits for it."""
    return subprocess.Popen([sys.executable, "-m", "autograder", *args], cwd=course, env=_QUIET,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(process: subprocess.Popen, timeout: float = 900) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out, err


def copy_of(course: Path, target: Path) -> Path:
    """A copy of a session's course (released, or graded) for a test that changes it."""
    shutil.copytree(course, target, symlinks=True, dirs_exist_ok=True)
    return target


def hand_in_sample_class(course: Path) -> Path:
    """submitted/ of the sample class on `tensors`, and eve's: two notebooks, neither the assignment's
    (nbgrader cannot grade it: the kit scores it 0 with the reason)."""
    build_sample_class(SAMPLE_ASSIGNMENT, ROOT, course / "submitted")
    eve = course / "submitted" / UNGRADABLE / SAMPLE_ASSIGNMENT
    eve.mkdir(parents=True)
    release = (ROOT / "release" / SAMPLE_ASSIGNMENT / f"{SAMPLE_ASSIGNMENT}.ipynb").read_text()
    for name in ("not-in-the-assignment.ipynb", "scratch.ipynb"):
        (eve / name).write_text(release)
    return course
