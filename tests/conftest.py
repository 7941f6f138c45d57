"""Shared helpers: a throw-away copy of the course, nbgrader runs in it, and gradebook reads."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook

ROOT = Path(__file__).resolve().parent.parent
# nbgrader runs its helpers (alembic) from PATH: make this interpreter's scripts win.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
COURSE_FILES = ["source", "release", "autograder", "solutions", "nbgrader_config.py"]


def copy_course(target: Path) -> Path:
    """A course root with the kit's own files and no submissions or gradebook."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(src, target / name)
    return target


def nbgrader(course: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run nbgrader's own command line in `course`."""
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=course,
                            capture_output=True, text=True, timeout=1800)
    if check and result.returncode != 0:
        raise AssertionError(f"nbgrader {' '.join(args)} failed ({result.returncode}):\n{result.stderr[-5000:]}")
    return result


def gradebook_scores(course: Path, assignment: str) -> dict[str, dict[str, float]]:
    """{student: {grade_id: score}} as nbgrader recorded them."""
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        found = {}
        for submission in gradebook.find_assignment(assignment).submissions:
            found[submission.student.id] = {grade.cell.name: grade.score
                                            for notebook in submission.notebooks for grade in notebook.grades
                                            if grade.cell.cell_type == "code"}
        return found


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A course copy in which `nbgrader generate_assignment` ran for every assignment."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    for folder in sorted((course / "source").iterdir()):
        nbgrader(course, "generate_assignment", folder.name, "--force")
    return course
