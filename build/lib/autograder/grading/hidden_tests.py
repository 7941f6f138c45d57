"""Runs an autograded cell's hidden pytest tests against a student's worker.

pytest runs here, in the grader's process; the tests reach the student's code only
through the `student` fixture (autograder.grading.session.Student). Each test's verdict and the
student-facing message of its failure are collected by a small pytest plugin.

One pytest session serves the whole grading run: it collects the hidden tests once, then
waits in its own thread for notebooks and runs the items each one names, as pytest-xdist's
workers do. Starting a session per notebook cost more than a blank notebook's tests.
"""
from __future__ import annotations

import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import pytest
from _pytest.reports import TestReport

from autograder.grading import cells
from autograder.checks import CheckFailed
from autograder.grading.device import grading_device
from autograder.grading.session import Student, StudentCodeError, WorkerGone

log = logging.getLogger(__name__)
# Plugins the hidden tests do not use are left out. The unraisable/thread-exception plugins
# alone cost two full garbage collections per test run, and capturing would swap the grader's
# sys.stdout for the whole grading run.
UNUSED_PLUGINS = ["terminal", "cacheprovider", "randomly", "unraisableexception", "threadexception",
                  "doctest", "junitxml", "pastebin", "legacypath", "tmpdir", "setuponly", "setupplan",
                  "faulthandler", "logging", "subtests", "anyio", "platformdirs.pytest_plugin"]
PYTEST_ARGS = [*(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")), "--capture=no",
               "-c", str(cells.HIDDEN_DIR / "pytest.ini"), "--rootdir", str(cells.HIDDEN_DIR)]


class HiddenTestsTimeout(Exception):
    """A notebook's hidden tests did not finish in time on the grader's side."""


@dataclass
class TestOutcome:
    name: str
    passed: bool
    message: str = ""
    side: bool = False  # a side property (@pytest.mark.side): it counts only when the answer is right


def student_message(exc: BaseException, test_name: str) -> str:
    """What a failed test tells the student."""
    if isinstance(exc, (CheckFailed, StudentCodeError, WorkerGone)):
        return str(exc)
    if isinstance(exc, AssertionError):
        text = str(exc).split("\nassert ")[0].strip()
        return text or f"a hidden check in {test_name} failed"
    log.error("hidden test %s broke: %r", test_name, exc)
    return f"the grader could not finish this check ({type(exc).__name__}); tell your instructor"


@dataclass
class _Notebook:
    """One notebook's request to the session: which items to run for which cell."""
    steps: list[tuple[int, list]]  # (cell index, pytest items) in notebook order
    student: Student
    run_through: Callable[[int], bool]
    outcomes: dict[int, list[TestOutcome]] = field(default_factory=dict)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class _Session:
    """A pytest plugin: the long-lived session that runs each notebook's hidden tests."""

    def __init__(self):
        self.pid = os.getpid()
        self.items: dict[tuple[str, str], list] = {}  # (test file, class) -> its items, in file order
        self.collect_errors: list[str] = []
        self.exit_code = None
        self.abandoned = False
        self._notebook: _Notebook | None = None
        self._cell: int | None = None
        self._ready = threading.Event()
        self._queue: queue.Queue[_Notebook | None] = queue.Queue()
        self._thread = threading.Thread(target=self._main, name="hidden-tests", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _main(self):
        try:
            self.exit_code = pytest.main([*PYTEST_ARGS, str(cells.HIDDEN_DIR)], plugins=[self])
        finally:
            self._ready.set()  # also when pytest stopped before its run loop

    # --- the grader's side

    def run(self, steps: list[tuple[int, list[str]]], student: Student,
            run_through: Callable[[int], bool], deadline: float) -> dict[int, list[TestOutcome]]:
        if not self._thread.is_alive():
            raise cells.AuthoringError(f"the hidden tests could not be collected (pytest exit {self.exit_code}): "
                                       f"{' '.join(self.collect_errors)[:2000]}")
        wanted = [[self._key(*cells.item_class(item)) for item in items] for _, items in steps]
        missing = [name for keys, (_, items) in zip(wanted, steps) for key, name in zip(keys, items)
                   if key not in self.items]
        if missing:
            names = ", ".join(item for _, items in steps for item in items)
            raise cells.AuthoringError(f"no hidden tests were collected for {', '.join(missing)} (of {names}): "
                                       f"{' '.join(self.collect_errors)[:2000]}")
        notebook = _Notebook([(cell, [i for key in dict.fromkeys(keys) for i in self.items[key]])
                              for (cell, _), keys in zip(steps, wanted)], student, run_through)
        self._queue.put(notebook)
        while not notebook.done.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if not self._thread.is_alive():
                raise RuntimeError("the hidden tests' pytest session stopped")
            if time.monotonic() >= deadline:
                # A thread cannot be stopped: this session is left to finish alone and the
                # next notebook starts a new one.
                self.abandoned = True
                raise HiddenTestsTimeout("the hidden tests ran past the notebook's time limit in the grader")
        if notebook.error is not None:
            raise notebook.error
        return notebook.outcomes

    @staticmethod
    def _key(path, class_name) -> tuple[str, str]:
        return os.path.realpath(path), class_name

    # --- pytest's side, in the session's thread

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        for item in session.items:
            self.items.setdefault(self._key(item.path, item.cls.__name__ if item.cls else ""), []).append(item)
        self._ready.set()
        while (notebook := self._queue.get()) is not None:
            try:
                self._notebook = notebook
                self._run(notebook)
            except BaseException as exc:  # reported to the grader's thread, which raises it
                notebook.error = exc
            finally:
                self._notebook = None
                notebook.done.set()
        return True

    def _run(self, notebook: _Notebook):
        """Each cell's items in order, after running the notebook up to that cell; a lost worker skips the rest."""
        for cell, items in notebook.steps:
            self._cell = cell
            if not notebook.run_through(cell):
                continue
            for index, item in enumerate(items):
                nextitem = items[index + 1] if index + 1 < len(items) else None  # None: all fixtures torn down
                item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)

    @pytest.fixture(name="student")
    def student_fixture(self):
        return self._notebook.student

    @pytest.fixture(name="device")
    def device_fixture(self):
        return grading_device()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome; a plain report, since pytest's traceback rendering costs most of a run."""
        excinfo = call.excinfo
        if excinfo is not None and excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report
        if call.when == "call" or (excinfo is not None and call.when == "setup"):
            outcomes = self._notebook.outcomes.setdefault(self._cell, [])
            message = "" if excinfo is None else student_message(excinfo.value, item.name)
            outcomes.append(TestOutcome(item.name, excinfo is None, message, item.get_closest_marker("side") is not None))
        return TestReport(item.nodeid, item.location, {}, "passed" if excinfo is None else "failed",
                          None if excinfo is None else repr(excinfo.value)[:500], call.when,
                          duration=call.duration, start=call.start, stop=call.stop)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))


_session: _Session | None = None


def run_notebook_tests(steps: list[tuple[int, list[str]]], student: Student,
                       run_through: Callable[[int], bool], deadline: float) -> dict[int, list[TestOutcome]]:
    """Run the hidden tests of every test cell in notebook order, in the grading run's pytest session.

    `steps` are (cell index, items) in notebook order. Before the first test of a cell,
    `run_through(cell index)` runs the notebook up to and including that cell; when it says
    False (the student's process is gone) that cell's tests are not run. Returns each cell's
    test outcomes, in file order. Past `deadline` (time.monotonic()) HiddenTestsTimeout is raised.
    """
    global _session
    if _session is None or _session.pid != os.getpid() or _session.abandoned:  # a forked grader starts its own
        _session = _Session()
    return _session.run(steps, student, run_through, deadline)
