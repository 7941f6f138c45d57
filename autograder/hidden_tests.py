"""Runs an autograded cell's hidden pytest tests against a student's worker.

pytest runs here, in the grader's process; the tests reach the student's code only
through the `student` fixture (autograder.session.Student). Each test's verdict and the
student-facing message of its failure are collected by a small pytest plugin.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable

import pytest
from _pytest.reports import TestReport

from autograder import cells
from autograder.checks import CheckFailed
from autograder.device import grading_device
from autograder.session import Student, StudentCodeError, WorkerGone

log = logging.getLogger(__name__)
# pytest runs once per test cell, so plugins the hidden tests do not use are left out. The
# unraisable/thread-exception plugins alone cost two full garbage collections per run.
UNUSED_PLUGINS = ["terminal", "cacheprovider", "randomly", "unraisableexception", "threadexception",
                  "doctest", "junitxml", "pastebin", "legacypath", "tmpdir", "setuponly", "setupplan",
                  "faulthandler", "logging", "subtests", "anyio", "platformdirs.pytest_plugin"]
PYTEST_ARGS = [*(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")), "--capture=sys",
               "-c", str(cells.HIDDEN_DIR / "pytest.ini"), "--rootdir", str(cells.HIDDEN_DIR)]


@dataclass
class TestOutcome:
    name: str
    passed: bool
    message: str = ""


def student_message(exc: BaseException, test_name: str) -> str:
    """What a failed test tells the student."""
    if isinstance(exc, (CheckFailed, StudentCodeError, WorkerGone)):
        return str(exc)
    if isinstance(exc, AssertionError):
        text = str(exc).split("\nassert ")[0].strip()
        return text or f"a hidden check in {test_name} failed"
    log.error("hidden test %s broke: %r", test_name, exc)
    return f"the grader could not finish this check ({type(exc).__name__}); tell your instructor"


class _Bridge:
    """A pytest plugin: provides the fixtures, runs the notebook up to each test cell, records outcomes."""

    def __init__(self, student: Student, steps: list[tuple[int, list[str]]], run_through: Callable[[int], bool]):
        self._student, self._run_through = student, run_through
        self._cell_of = {(os.path.realpath(path), name): cell for cell, items in steps for item in items
                         for path, name in [cells.item_class(item)]}
        self._cell, self._ready = None, False
        self.outcomes: dict[int, list[TestOutcome]] = {}
        self.collect_errors: list[str] = []

    @pytest.fixture(name="student")
    def student_fixture(self):
        return self._student

    @pytest.fixture(name="device")
    def device_fixture(self):
        return grading_device()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        cell = self._cell_of.get((os.path.realpath(item.path), item.cls.__name__ if item.cls else ""))
        if cell != self._cell:
            self._cell = cell
            self._ready = cell is not None and self._run_through(cell)
        return None if self._ready else True  # True: handled, the test is not run

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome; a plain report, since pytest's traceback rendering costs most of a run."""
        excinfo = call.excinfo
        if excinfo is not None and excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report
        if call.when == "call" or (excinfo is not None and call.when == "setup"):
            outcomes = self.outcomes.setdefault(self._cell, [])
            message = "" if excinfo is None else student_message(excinfo.value, item.name)
            outcomes.append(TestOutcome(item.name, excinfo is None, message))
        return TestReport(item.nodeid, item.location, {}, "passed" if excinfo is None else "failed",
                          None if excinfo is None else repr(excinfo.value)[:500], call.when,
                          duration=call.duration, start=call.start, stop=call.stop)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))


def run_notebook_tests(steps: list[tuple[int, list[str]]], student: Student,
                       run_through: Callable[[int], bool]) -> dict[int, list[TestOutcome]]:
    """Run the hidden tests of every test cell in one pytest session, in notebook order.

    `steps` are (cell index, items) in notebook order. Before the first test of a cell,
    `run_through(cell index)` runs the notebook up to and including that cell; when it says
    False (the student's process is gone) that cell's tests are not run. Returns each cell's
    test outcomes, in file order.
    """
    bridge = _Bridge(student, steps, run_through)
    node_ids = list(dict.fromkeys(cells.item_node_id(item) for _, items in steps for item in items))
    exit_code = pytest.main([*PYTEST_ARGS, *node_ids], plugins=[bridge])
    items = ", ".join(item for _, items in steps for item in items)
    if bridge.collect_errors or exit_code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        raise cells.AuthoringError(f"the hidden tests of {items} could not be collected "
                                   f"(pytest exit {exit_code}): {' '.join(bridge.collect_errors)[:2000]}")
    if exit_code == pytest.ExitCode.NO_TESTS_COLLECTED:
        raise cells.AuthoringError(f"no hidden tests ran for {items}")
    return bridge.outcomes
