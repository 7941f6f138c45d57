"""What nbgrader does with a submission file cannot end the run or keep a stale grade.

The kit restores every cell's nbgrader metadata from the release before nbgrader reads it
(tests/attacks/tensors/metadata-*.py grade each forged field); a submission that a step of
nbgrader's still fails on is graded as the release notebook, 0 with the reason, and the run
goes on. Here a course adds a sanitizing step that fails on one student's file.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from autograder.authoring import corpus
from autograder.authoring.submissions import Case
from helpers import ROOT, cli, copy_of

pytestmark = pytest.mark.slow  # nbgrader runs

FAILING_STEP = '''
from nbgrader.preprocessors import NbGraderPreprocessor


class FailOnPlantedMetadata(NbGraderPreprocessor):
    def preprocess(self, nb, resources):
        if "planted" in nb.metadata:
            raise RuntimeError("a step nbgrader cannot get past")
        return nb, resources
'''


def test_a_submission_that_a_sanitizing_step_fails_on_scores_0_and_the_class_goes_on(released_course, tmp_path):
    course = copy_of(released_course, tmp_path / "course")
    (course / "failing_step.py").write_text(FAILING_STEP)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write("\nc.Autograde.sanitize_preprocessors = [*c.Autograde.sanitize_preprocessors, "
                     "'failing_step.FailOnPlantedMetadata']\n")
    reference = Case(Path("reference"), "reference", {})
    for student in ("ana", "ben"):
        corpus.write_submission(course, corpus.Entry("tensors", student, reference))
    corpus.nbgrader(course, "autograde", "tensors", "--force")
    full = corpus.full_points("tensors", ROOT)
    assert corpus.gradebook_scores(course, "tensors")["ana"] == full

    path = corpus.submit(course, "ana", "tensors")
    nb = nbformat.read(corpus.notebook_of("tensors", "release", ROOT), as_version=4)
    nb.metadata["planted"] = True
    nbformat.write(nb, path)
    run = corpus.nbgrader(course, "autograde", "tensors", "--force", check=False)

    assert run.returncode == 0, run.stderr[-3000:]
    scores = corpus.gradebook_scores(course, "tensors")
    assert scores["ana"] == dict.fromkeys(full, 0.0)  # not the earlier full marks
    assert scores["ben"] == full
    said = corpus.cell_feedback(course, "ana", "tensors", "zeros-check")
    assert "nbgrader could not process it (RuntimeError: a step nbgrader cannot get past)" in said


PLANTING_HOOK = '''
import os

from autograder.nbgrader.submission_guard import refuse_unsafe_files


def guard_then_block_the_copy(notebooks=(), **kwargs):
    refuse_unsafe_files(notebooks=notebooks, **kwargs)
    for path in notebooks:  # a folder where nbgrader will copy notes.txt: its copy then fails
        if "/ana/" in path:
            os.makedirs(os.path.dirname(path).replace("/submitted/", "/autograded/") + "/notes.txt/x", exist_ok=True)
'''


def test_a_submission_that_nbgrader_fails_on_before_grading_scores_0_not_the_earlier_grade(released_course, tmp_path):
    """nbgrader logs a submission it fails on and goes on; the gradebook must not keep the grade of
    the previous submission (the kit's pre-convert hook scores it 0 before nbgrader's steps)."""
    course = copy_of(released_course, tmp_path / "course")
    reference = Case(Path("reference"), "reference", {})
    for student in ("ana", "ben"):
        corpus.write_submission(course, corpus.Entry("tensors", student, reference))
    corpus.nbgrader(course, "autograde", "tensors", "--force")
    full = corpus.full_points("tensors", ROOT)
    assert corpus.gradebook_scores(course, "tensors")["ana"] == full

    (course / "planting_hook.py").write_text(PLANTING_HOOK)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write("\nc.Autograde.pre_convert_hook = 'planting_hook.guard_then_block_the_copy'\n")
    (corpus.submit(course, "ana", "tensors").parent / "notes.txt").write_text("mine")
    run = corpus.nbgrader(course, "autograde", "tensors", "--force", check=False)

    assert "There was an error processing" in run.stderr  # nbgrader failed ana's submission
    scores = corpus.gradebook_scores(course, "tensors")
    assert scores["ana"] == dict.fromkeys(full, 0.0)  # not the earlier full marks
    assert scores["ben"] == full


def test_grade_class_prints_why_each_submission_failed(released_course, tmp_path):
    """A submission nbgrader still fails on is named by `grade-class` with nbgrader's reason, without --logs."""
    course = copy_of(released_course, tmp_path / "course")
    reference = Case(Path("reference"), "reference", {})
    for student in ("ana", "ben"):
        corpus.write_submission(course, corpus.Entry("tensors", student, reference))
    (course / "planting_hook.py").write_text(PLANTING_HOOK)
    with open(course / "nbgrader_config.py", "a") as config:
        config.write("\nc.Autograde.pre_convert_hook = 'planting_hook.guard_then_block_the_copy'\n")
    (corpus.submit(course, "ana", "tensors").parent / "notes.txt").write_text("mine")
    run = cli(course, "grade-class", "tensors", "--workers", "1", timeout=600)
    assert run.returncode == 1, run.stdout + run.stderr[-3000:]
    failed = [line for line in run.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1 and failed[0].startswith("FAILED: ana: "), run.stdout
    assert "IsADirectoryError" in failed[0] and "notes.txt" in failed[0], failed[0]
