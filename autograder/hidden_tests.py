"""Runs an autograded cell's hidden pytest tests against a student's worker.

pytest runs here, in the grader's process; the tests reach the student's code only
through the `student` fixture (autograder.session.Student). Each test's verdict and the
student-facing message of its failure are collected by a small pytest plugin.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import pytest

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
    """A pytest plugin: provides the fixtures and records outcomes."""

    def __init__(self, student: Student):
        self._student = student
        self.outcomes: list[TestOutcome] = []
        self.collect_errors: list[str] = []

    @pytest.fixture(name="student")
    def student_fixture(self):
        return self._student

    @pytest.fixture(name="device")
    def device_fixture(self):
        return grading_device()

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(self, item, call):
        report = (yield).get_result()
        if report.when == "call" or (report.failed and report.when == "setup"):
            name = item.name
            if report.passed:
                self.outcomes.append(TestOutcome(name, True))
            elif report.failed:
                self.outcomes.append(TestOutcome(name, False, student_message(call.excinfo.value, name)))

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))


def run_item_tests(items: list[str], student: Student) -> list[TestOutcome]:
    """Run the hidden tests of `items`, in file order, and return each test's outcome."""
    bridge = _Bridge(student)
    exit_code = pytest.main([*PYTEST_ARGS, *[cells.item_node_id(i) for i in items]], plugins=[bridge])
    if bridge.collect_errors or exit_code in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.INTERNAL_ERROR):
        raise cells.AuthoringError(f"the hidden tests of {', '.join(items)} could not be collected "
                                   f"(pytest exit {exit_code}): {' '.join(bridge.collect_errors)[:2000]}")
    if not bridge.outcomes:
        raise cells.AuthoringError(f"no hidden tests ran for {', '.join(items)}")
    return bridge.outcomes
