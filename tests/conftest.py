"""Shared fixtures: throw-away copies of the course (the helpers live in autograder.authoring.corpus)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from autograder.authoring.corpus import assignments, copy_course, nbgrader

ROOT = Path(__file__).resolve().parent.parent
# nbgrader runs its helpers (alembic) from PATH: make this interpreter's scripts win.
os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    """A course copy in which `nbgrader generate_assignment` ran for every assignment."""
    course = copy_course(tmp_path_factory.mktemp("course"))
    for assignment in assignments(course):
        nbgrader(course, "generate_assignment", assignment, "--force")
    return course
