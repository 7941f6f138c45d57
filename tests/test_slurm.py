"""Slurm for real: the instructors' array recipe (docs/slurm/grade.sbatch), unchanged, on a generated
class, then its merge (docs/slurm/merge.sbatch), against `nbgrader autograde` of the same submissions
(conftest.graded_corpus).

Needs a Slurm cluster that runs jobs on this machine: `.ci/slurm.sh` (which CI runs) starts a
one-node cluster. Elsewhere it skips, saying why.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from autograder.authoring import corpus
from helpers import ROOT, copy_of

pytestmark = pytest.mark.slow
RECIPE = ROOT / "docs" / "slurm"
ASSIGNMENT = "tensors"  # the assignment the recipe grades


def _cluster_answers() -> str | None:
    """Why Slurm cannot be used here, or None."""
    if not shutil.which("sbatch"):
        return "no Slurm here (sbatch is not on PATH): .ci/slurm.sh starts a one-node cluster"
    try:
        state = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"sinfo did not answer ({exc})"
    if state.returncode != 0 or not state.stdout.strip():
        return f"the Slurm cluster does not answer (sinfo: {state.stderr.strip()[:200]}): run .ci/slurm.sh"
    return None


def _sbatch(course: Path, *args: str) -> str:
    # the job runs with this environment (sbatch exports it), without GRADEBOOK_URL: the recipe's SQLite shards
    env = {k: v for k, v in os.environ.items() if k != "GRADEBOOK_URL"}
    done = subprocess.run(["sbatch", "--parsable", *args], cwd=course, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().split(";")[0]


def _wait_for(job: str, course: Path, timeout: float = 1800) -> None:
    deadline = time.monotonic() + timeout
    while subprocess.run(["squeue", "-h", "-j", job], capture_output=True, text=True).stdout.strip():
        if time.monotonic() > deadline:
            subprocess.run(["scancel", job])
            logs = "\n".join(p.read_text()[-1500:] for p in sorted(course.glob("slurm-*.out")))
            pytest.fail(f"Slurm job {job} did not finish in {timeout:.0f} s:\n{logs}")
        time.sleep(2)


def _class(released: Path, folder: Path) -> Path:
    """A copy of the released course with a class of the sample students and the corpus's cases."""
    course = copy_of(released, folder)
    entries = [e for e in corpus.entries() if e.assignment == ASSIGNMENT and (e.student, e.assignment) != corpus.UNREADABLE]
    for entry in entries:
        corpus.write_submission(course, entry)
    (course / ".venv").symlink_to(ROOT / ".venv")  # the recipe runs .venv/bin/python from the course folder
    return course


def test_the_sbatch_recipe_and_its_merge_grade_as_nbgrader_does(released_course, request, tmp_path):
    why = _cluster_answers()
    if why:
        pytest.skip(why)
    course = _class(released_course, tmp_path / "slurm")
    # the same submissions as the corpus's, which conftest.graded_corpus grades with `nbgrader autograde`
    # (and tests/test_grading.py checks case by case): compared with that, not graded a third time
    corpus_scores = request.getfixturevalue("graded_corpus").scores[ASSIGNMENT]
    students = {folder.name for folder in (course / "submitted").iterdir()}
    assert students <= set(corpus_scores), students - set(corpus_scores)
    expected = {student: corpus_scores[student] for student in students}
    assert len(expected) >= 10  # more students than the recipe's ten shards hold one each

    array = _sbatch(course, str(RECIPE / "grade.sbatch"))
    merge = _sbatch(course, f"--dependency=afterany:{array}", str(RECIPE / "merge.sbatch"))
    _wait_for(merge, course)
    logs = {p.name: p.read_text() for p in sorted(course.glob("slurm-*.out"))}
    assert len(list((course / "shards").glob(f"{ASSIGNMENT}-*.db"))) == 10, logs
    assert corpus.gradebook_scores(course, ASSIGNMENT) == expected, logs
