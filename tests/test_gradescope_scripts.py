"""Gradescope's own scripts, run unchanged: docs/gradescope/setup.sh and run_autograder.

A Gradescope-like tree is laid out at /autograder (source, submission, results), with the
repository in /autograder/source and the two scripts at its top, as the instructors' page says to
upload it. setup.sh builds a fresh venv from Debian's python3.11 once; then run_autograder grades a
correct, a wrong and an empty submission, and each results.json is checked against the gradebook.
Needs root (Gradescope's container runs the scripts as root, and /autograder is at the top of the
filesystem) and Debian's apt; it takes a few minutes for the venv.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.corpus import full_points
from conftest import ROOT
from course_steps import TWO_MISTAKES, notebook_with

pytestmark = pytest.mark.slow

TREE = Path("/autograder")
MARK = TREE / ".made-by-kit-test"  # an /autograder without it is not this test's to remove
SCRIPTS = ROOT / "docs" / "gradescope"
ASSIGNMENT = "tensors"


def _files_of_the_repository() -> list[str]:
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, text=True, check=True)
    return [name for name in listed.stdout.splitlines() if (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def tree():
    if os.geteuid() != 0:
        pytest.skip("Gradescope's scripts run as root and write /autograder: needs a root test run (CI is one)")
    if not shutil.which("apt-get"):
        pytest.skip("setup.sh installs Debian packages with apt-get")
    if TREE.exists() and not MARK.exists():
        pytest.skip("/autograder exists and was not made by this test")
    shutil.rmtree(TREE, ignore_errors=True)
    source = TREE / "source"
    for name in _files_of_the_repository():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, source / name)
    for script in ("setup.sh", "run_autograder"):  # "a zip of the repository with the two scripts at its top"
        shutil.copy2(SCRIPTS / script, source / script)
    (TREE / "submission").mkdir()
    (TREE / "results").mkdir()
    MARK.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "PYTHON"))}
    env["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # not this test run's venv
    built = subprocess.run(["bash", str(source / "setup.sh")], cwd=source, env=env, capture_output=True, text=True,
                           timeout=3000)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    try:
        yield source, env
    finally:
        shutil.rmtree(TREE, ignore_errors=True)


def run_autograder(tree, files: dict[str, object]) -> dict:
    source, env = tree
    for folder in (TREE / "submission", TREE / "results"):
        shutil.rmtree(folder)
        folder.mkdir()
    for name, nb in files.items():
        nbformat.write(nb, TREE / "submission" / name)
    run = subprocess.run(["bash", str(source / "run_autograder")], cwd="/", env=env, capture_output=True, text=True,
                         timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads((TREE / "results" / "results.json").read_text())


def gradebook_of(source: Path) -> dict[str, float]:
    with Gradebook(f"sqlite:///{source / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(ASSIGNMENT, "student")
        return {grade.name: grade.score for notebook in submission.notebooks for grade in notebook.grades
                if grade.cell.cell_type == "code"}


def test_the_scripts_are_the_ones_the_instructors_page_shows():
    page = (ROOT / "docs" / "instructors.md").read_text()
    blocks = re.findall(r"```bash\n(.*?)```", page, re.DOTALL)
    for script in ("setup.sh", "run_autograder"):
        assert (SCRIPTS / script).read_text() in blocks, f"docs/instructors.md does not show docs/gradescope/{script} as it is"


def test_a_correct_submission_gets_full_marks_as_the_gradebook_records(tree):
    results = run_autograder(tree, {f"{ASSIGNMENT}.ipynb": notebook_with(ASSIGNMENT, {})})
    recorded, full = gradebook_of(tree[0]), full_points(ASSIGNMENT)
    assert {t["name"]: t["score"] for t in results["tests"]} == recorded == full
    assert results["score"] == pytest.approx(sum(full.values()))


def test_a_wrong_submission_gets_what_the_gradebook_records(tree):
    results = run_autograder(tree, {f"{ASSIGNMENT}.ipynb": notebook_with(ASSIGNMENT, TWO_MISTAKES, base="release")})
    recorded = gradebook_of(tree[0])
    assert {t["name"]: t["score"] for t in results["tests"]} == pytest.approx(recorded)
    assert 0 < results["score"] < sum(full_points(ASSIGNMENT).values())
    column_order = next(t for t in results["tests"] if t["name"] == "column-order-check")
    assert column_order["score"] == 0 and "column_order" in column_order["output"]


def test_an_empty_submission_gets_zero_and_the_reason(tree):
    results = run_autograder(tree, {})
    assert results["score"] == 0 and all(t["score"] == 0 for t in results["tests"])
    assert f"{ASSIGNMENT}.ipynb is not in your submission" in results["output"]
