"""A course: its root folder as nbgrader lays it out, its settings, its hidden tests and its gradebook.

A `Course` is built from the course's loaded nbgrader configuration (its nbgrader_config.py, or
the configuration of the nbgrader app that is running), and every setting the kit reads from a
course comes from here: the paths to its notebooks through nbgrader's own `CourseDirectory`
(`format_path`), so the kit reads and writes where nbgrader does; the hidden tests' folder
(`c.GradeWithHiddenTests.hidden_tests`); the limits (`c.Limits`); the gradebook's URL, which
`autograder.nbgrader.gradebook` reads.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.grading.cells import HIDDEN_TESTS
from autograder.sandbox import Limits

CONFIG_FILE = "nbgrader_config.py"
SOLUTIONS = "solutions"  # the reference solutions' folder in a course root: a package the hidden tests import


def load_config(root: str | os.PathLike, *, for_nbgrader: bool = False) -> Config:
    """The configuration in `root`'s nbgrader_config.py (empty without one), with `root` as the course root.

    Read `for_nbgrader` (to run nbgrader in this process), the course's folder stays on sys.path, where
    the file puts it so that the hidden tests import the solutions; otherwise only the settings are kept."""
    config, path = Config(), list(sys.path)
    if os.path.isfile(os.path.join(root, CONFIG_FILE)):
        try:
            config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        finally:
            if not for_nbgrader:
                sys.path[:] = path
    config.CourseDirectory.root = str(root)
    return config


class Course:
    """The course rooted at `root` (default: the current folder, as for nbgrader), with the settings of its
    nbgrader_config.py; `db_url` defaults to the configured gradebook. Inside a running nbgrader app,
    `Course(directory=app.coursedir)` is that app's course, with its configuration."""

    def __init__(self, root: str | os.PathLike | None = None, db_url: str | None = None, *,
                 directory: CourseDirectory | None = None):
        if directory is None:
            config = load_config(Path(root if root is not None else os.getcwd()).resolve())
            if db_url:
                config.CourseDirectory.db_url = db_url
            directory = CourseDirectory(config=config)
        self.directory = directory
        self.config = directory.config
        self.root = Path(directory.root).resolve()
        self.db_url = db_url or directory.db_url

    def __repr__(self) -> str:
        return f"Course({str(self.root)!r})"

    def _folder(self, step: str, student: str, assignment: str) -> Path:
        return Path(self.directory.format_path(step, student, assignment))

    def assignments(self) -> list[str]:
        """The assignments of the course: the folders of source/."""
        source = self.root / self.directory.source_directory
        return sorted(path.name for path in source.iterdir() if path.is_dir()) if source.is_dir() else []

    def source(self, assignment: str, notebook: str | None = None) -> Path:
        folder = self._folder(self.directory.source_directory, ".", assignment)
        return folder / f"{notebook}.ipynb" if notebook else folder

    def release(self, assignment: str, notebook: str | None = None) -> Path:
        folder = self._folder(self.directory.release_directory, ".", assignment)
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
        """The hidden tests' folder: c.GradeWithHiddenTests.hidden_tests, relative to the root unless absolute."""
        configured = self.config.GradeWithHiddenTests.get("hidden_tests") if "GradeWithHiddenTests" in self.config else None
        return self.root / (configured or HIDDEN_TESTS)

    @property
    def solutions(self) -> Path:
        """The reference solutions, solutions/<notebook>.py, generated from source/ (`python -m autograder
        solutions`): the hidden tests import them from the course root."""
        return self.root / SOLUTIONS

    def solution(self, notebook: str) -> Path:
        return self.solutions / f"{notebook}.py"

    @property
    def cases(self) -> Path:
        """The case files, <assignment>/<case>.py: example submissions and what each must earn."""
        return self.root / "tests" / "cases"

    @property
    def sample_class(self) -> Path:
        """The sample class's case files, <student>/<assignment>/<notebook>.py (`./kit demo` submits them)."""
        return self.root / "tests" / "sample_class"

    @property
    def limits(self) -> Limits:
        """What one notebook may use, as configured (c.Limits)."""
        return Limits(config=self.config)
