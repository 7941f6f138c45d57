"""A course: its root folder as nbgrader lays it out, its hidden tests and its gradebook.

Every path to a course's notebooks comes from here, through nbgrader's own `CourseDirectory`
(`format_path`), so the kit reads and writes where nbgrader does. The gradebook is read through
`autograder.nbgrader.gradebook`, with the URL held here.
"""
from __future__ import annotations

import os
from pathlib import Path

from nbgrader.coursedir import CourseDirectory

from autograder.grading.cells import HIDDEN_TESTS

# The course this repository is: its root holds nbgrader_config.py.
HERE = Path(__file__).resolve().parents[2]


class Course:
    """The course rooted at `root` (default: this repository); `db_url` defaults to its gradebook.db."""

    def __init__(self, root: str | os.PathLike = HERE, db_url: str | None = None):
        self.root = Path(root).resolve()
        self.directory = CourseDirectory(root=str(self.root))
        self.db_url = db_url or self.directory.db_url

    def __repr__(self) -> str:
        return f"Course({str(self.root)!r})"

    def _folder(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.directory.format_path(step, student, assignment))

    def assignments(self) -> list[str]:
        """The assignments of the course: the folders of source/."""
        source = self.root / self.directory.source_directory
        return sorted(path.name for path in source.iterdir() if path.is_dir()) if source.is_dir() else []

    def source(self, assignment: str, notebook: str | None = None) -> Path:
        folder = self.root / self.directory.source_directory / assignment
        return folder / f"{notebook}.ipynb" if notebook else folder

    def release(self, assignment: str, notebook: str | None = None) -> Path:
        folder = self.root / self.directory.release_directory / assignment
        return folder / f"{notebook}.ipynb" if notebook else folder

    def submitted(self, student: str, assignment: str, notebook: str | None = None) -> Path:
        folder = self._folder(self.directory.submitted_directory, student, assignment)
        return folder / f"{notebook}.ipynb" if notebook else folder

    def autograded(self, student: str, assignment: str, notebook: str | None = None) -> Path:
        folder = self._folder(self.directory.autograded_directory, student, assignment)
        return folder / f"{notebook}.ipynb" if notebook else folder

    def feedback(self, student: str, assignment: str) -> Path:
        return self._folder(self.directory.feedback_directory, student, assignment)

    def submissions_folder(self) -> Path:
        """Where nbgrader collects submissions: submitted/<student>/<assignment>/."""
        return self.root / self.directory.submitted_directory

    @property
    def hidden_tests(self) -> Path:
        return self.root / HIDDEN_TESTS
