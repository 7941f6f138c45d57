"""Handing out and collecting through nbgrader's exchange, end to end on one machine.

Two students share a temporary exchange directory with the instructor. nbgrader takes a student's
id from the OS user name (JUPYTERHUB_USER for a hub's `jovyan`); on one machine the two identities
are given with nbgrader's explicit `--CourseDirectory.student_id`. Each student works in a home of
their own, without the course's nbgrader_config.py, as on a hub.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.corpus import full_points, gradebook_scores, nbgrader
from course_steps import TWO_MISTAKES, notebook_with, released_copy

COURSE_ID = "deep-learning-fundamentals"
pytestmark = pytest.mark.slow


def as_student(home: Path, student: str, exchange: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
               JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
                             f"--CourseDirectory.course_id={COURSE_ID}", f"--CourseDirectory.student_id={student}"],
                            cwd=home, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{student}: nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def test_release_fetch_submit_collect_grade_and_feedback(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange must be writable by every student
    course = released_copy(tmp_path / "course", "tensors")
    instructor = lambda *args: nbgrader(course, *args, f"--Exchange.root={exchange}")  # noqa: E731
    instructor("release_assignment", "tensors")

    work = {"alice": notebook_with("tensors", {}), "bob": notebook_with("tensors", TWO_MISTAKES, base="release")}
    homes = {student: tmp_path / "home" / student for student in work}
    for student, home in homes.items():
        home.mkdir(parents=True)
        as_student(home, student, exchange, "fetch_assignment", "tensors")
        fetched = home / "tensors" / "tensors.ipynb"
        assert fetched.read_text() == (course / "release" / "tensors" / "tensors.ipynb").read_text()
        answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in work[student].cells}
        nb = nbformat.read(fetched, as_version=4)
        for cell in nb.cells:
            cell.source = answers.get(cell.metadata.get("nbgrader", {}).get("grade_id"), cell.source)
        nbformat.write(nb, fetched)
        as_student(home, student, exchange, "submit", "tensors")

    collected = instructor("collect", "tensors")
    for student in work:
        submitted = course / "submitted" / student / "tensors"
        assert (submitted / "timestamp.txt").exists(), f"{student}'s submission was not collected:\n{collected.stderr}"
    assert "torch.ones" in (course / "submitted" / "bob" / "tensors" / "tensors.ipynb").read_text()

    instructor("autograde", "tensors", "--force")
    instructor("generate_feedback", "tensors", "--force")
    instructor("release_feedback", "tensors")
    totals = {student: sum(scores.values()) for student, scores in gradebook_scores(course, "tensors").items()}
    full = sum(full_points("tensors").values())
    assert totals["alice"] == pytest.approx(full) and 0 < totals["bob"] < full, totals

    for student, home in homes.items():
        as_student(home, student, exchange, "fetch_feedback", "tensors")
        pages = list((home / "tensors" / "feedback").glob("*/tensors.html"))
        assert len(pages) == 1, f"{student} fetched {pages}"
        shown = re.search(rf"tensors \(Score: ([\d.]+) / {full:.1f}\)", pages[0].read_text())
        assert shown and float(shown.group(1)) == pytest.approx(totals[student]), f"{student}'s feedback shows {shown}"
