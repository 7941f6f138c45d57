"""The grading run: the one object that owns what a grading process keeps between notebooks.

`GradingRun.instance()` holds the sandbox it started (its zygote, with what the host allows and
what was said about it), the hidden tests' sessions (each with its reference code and the
reference results of `checks.computed_once`) and the digests of the course's files. What depends
on the course's files is renewed when one of them changes: a new hidden-tests session imports the
course afresh and computes its references anew (`hidden_tests.hidden_tests`), and the digests are
read again, so a long-lived grader (formgrader's autograde button, inside the Jupyter server)
grades with the course as it is now. No other engine module keeps state between notebooks
(tests/test_grading_run.py).
"""
from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path

from traitlets.config import SingletonConfigurable

from autograder.grading.submission_files import course_file_digests
from autograder.sandbox import Limits, Sandbox, entry


class GradingRun(SingletonConfigurable):
    """What this grading process keeps between notebooks; one per process (`GradingRun.instance()`)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # the hidden-tests session may be started ahead of time from another thread (startup_hooks.py)
        self.lock = threading.RLock()
        self.sandbox: Sandbox | None = None  # the sandbox this run started last
        self.hidden_tests: dict[Path, object] = {}  # hidden-tests folder -> its HiddenTests session
        self._digests: tuple[tuple, dict[str, str]] = ((), {})  # (the files' stamps, {sha256: file})
        self._gradebook_engines: dict[tuple[str, str], object] = {}  # (URL, options) -> SQLAlchemy engine
        self._closing_registered = False

    def start_sandbox(self, limits: Limits | None = None) -> Sandbox:
        """The sandbox of this run, started now (or again, when it died or its limits or backend
        changed); its zygote imports and warms up in the background, and the first fork waits."""
        with self.lock:
            self.sandbox = entry.start(limits, self.sandbox)
            if not self._closing_registered:  # at the grader's exit, the zygote's processes and cgroups go too
                atexit.register(self.close)
                self._closing_registered = True
            return self.sandbox

    def close(self) -> None:
        """End the sandbox's zygote (at exit)."""
        if self.sandbox is not None:
            self.sandbox.close()

    def gradebook_engine(self, url, **options):
        """The one SQLAlchemy engine of this run for the database at `url` (made on first use).

        nbgrader opens the gradebook about ten times per notebook, and each `Gradebook` made an
        engine of its own, whose empty statement cache compiled every query anew (about 0.035 s of
        CPU per notebook, docs/speed.md). One engine per URL for the process is SQLAlchemy's own
        advice; nbgrader still disposes of its connections when it closes a gradebook."""
        import sqlalchemy
        key = (str(url), repr(sorted(options.items())))
        with self.lock:
            if key not in self._gradebook_engines:
                self._gradebook_engines[key] = sqlalchemy.create_engine(url, **options)
            return self._gradebook_engines[key]

    def course_file_digests(self, paths: list[str]) -> dict[str, str]:
        """{sha256: file} of the files under `paths`, read once per run and again when one of them changes."""
        stamps = tuple((path, _newest_change(path)) for path in paths)
        with self.lock:
            if self._digests[0] != stamps:
                self._digests = (stamps, course_file_digests(paths))
            return self._digests[1]


def _newest_change(path: str) -> float | None:
    """The latest change time of `path` and of everything under it; None if it is missing."""
    try:
        newest = os.stat(path).st_mtime
        for top, _, names in os.walk(path):
            newest = max([newest, os.stat(top).st_mtime] + [os.lstat(os.path.join(top, n)).st_mtime for n in names])
        return newest
    except OSError:
        return None
