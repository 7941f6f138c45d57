"""Runs the hidden pytest tests of one autograded cell against a student process.

The hidden tests live with the lesson, outside the engine: a folder (GradeWithHiddenTests.hidden_tests)
with one `test_<set>.py` per exercise set and a `pytest.ini`. pytest runs here, in the grader's
process; the tests reach the student's code only through the `student` fixture
(autograder.grading.student_process.Student). Each test's verdict and the student-facing message of its
failure are collected by a small pytest plugin.

The engine drives: it runs the notebook up to a test cell, then asks for that cell's results with
`HiddenTests.run`. pytest needs its own run loop, so one pytest session per folder serves the whole
grading run from a thread: it collects the hidden tests once, then runs the items of each request
it is handed, as pytest-xdist's workers do. The grading run (run.py) holds the sessions. Starting a session per notebook cost more than a blank
notebook's tests. `nbgrader autograde <set>` collects test_<set>.py alone (0.3 s less per run); a
notebook that needs another set's tests then gets a session over the whole folder.

A long-lived grader (formgrader's autograde button runs inside the Jupyter server) may grade again
after the course changed: when a file of the hidden tests, or of the course modules their
collection imported (the solutions), has changed, the next notebook gets a new session, which
imports them afresh and computes the reference results anew (`reference_results`, the cache of
checks.computed_once, is the session's own).
"""
from __future__ import annotations

import inspect
import logging
import os
import queue
import site
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autograder.grading import cells
from autograder.checks import REFERENCE_RESULTS, CheckFailed
from autograder.grading.device import grading_device, on_the_grading_device
from autograder.grading.reference_code import ReferenceCode
from autograder.grading.run import GradingRun
from autograder.grading.student_process import Student, StudentCodeError, StudentProcessGone

log = logging.getLogger(__name__)
# Plugins the hidden tests do not use are left out. The unraisable/thread-exception plugins
# alone cost two full garbage collections per test run, and capturing would swap the grader's
# sys.stdout for the whole grading run.
UNUSED_PLUGINS = ["terminal", "cacheprovider", "randomly", "unraisableexception", "threadexception",
                  "doctest", "junitxml", "pastebin", "legacypath", "tmpdir", "setuponly", "setupplan",
                  "faulthandler", "logging", "subtests", "anyio", "platformdirs.pytest_plugin"]
# importlib: the hidden tests are imported by path, not as a package on sys.path, so the folders
# of two courses (or a course and the kit's own tests) never clash over module names.
PYTEST_ARGS = [*(arg for name in UNUSED_PLUGINS for arg in ("-p", f"no:{name}")), "--capture=no",
               "--import-mode=importlib"]


class HiddenTestsTimeout(Exception):
    """A notebook's hidden tests did not finish in time on the grader's side."""


@dataclass
class TestOutcome:
    name: str
    passed: bool
    message: str = ""
    side: bool = False  # a side property (@pytest.mark.side): it counts only when the answer is right
    gate: bool = False  # a gate (@pytest.mark.gate): when it fails, the cell scores 0


def student_message(exc: BaseException, test_name: str) -> str:
    """What a failed test tells the student."""
    if isinstance(exc, (CheckFailed, StudentCodeError, StudentProcessGone)):
        return str(exc)
    if isinstance(exc, AssertionError):
        text = str(exc).split("\nassert ")[0].strip()
        return text or f"a hidden check in {test_name} failed"
    log.error("hidden test %s broke: %r", test_name, exc)
    return f"the grader could not finish this check ({type(exc).__name__}); tell your instructor"


@dataclass
class _Request:
    """One cell's hidden tests to run against one student."""
    items: list  # pytest items, in file order
    student: Student
    outcomes: list[TestOutcome] = field(default_factory=list)
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


class HiddenTests:
    """The hidden tests of one folder, collected once by a long-lived pytest session in a thread."""

    def __init__(self, folder: Path, reference_results: dict | None = None, only: str | None = None):
        self.folder = Path(folder).resolve()
        self.only = only  # the one test file (a name in `folder`) it collects, or None: every test_*.py
        # what checks.computed_once computed for this course as it is: a session that replaces one
        # over the same files (a forked grader's, or after a timeout) is handed it; a changed course is not
        self.reference_results = reference_results if reference_results is not None else {}
        self.pid = os.getpid()
        self.items: dict[tuple[str, str], list] = {}  # (test file, class) -> its items, in file order
        self.test_modules: set = set()  # the modules of the hidden tests, as collected
        self.collect_errors: list[str] = []
        self.exit_code = None
        self.abandoned = False
        self._request: _Request | None = None
        self._ready = threading.Event()
        self._queue: queue.Queue[_Request | None] = queue.Queue()
        if not (self.folder / "pytest.ini").is_file():
            raise cells.AuthoringError(f"no hidden tests at {self.folder} (a folder with pytest.ini and "
                                       f"test_<set>.py; set c.GradeWithHiddenTests.hidden_tests)")
        before = set(sys.modules)
        self._thread = threading.Thread(target=self._main, name="hidden-tests", daemon=True)
        self._thread.start()
        self._ready.wait()
        self.modules = _course_modules(set(sys.modules) - before, self.folder.parent)
        self.fingerprint = self._fingerprint()
        # the course's code that the hidden tests import (the solutions), which they never send to a student
        self.references = ReferenceCode.of_files(_reference_files(self))

    def _fingerprint(self) -> tuple:
        """The files this session's collection depends on, as they are now."""
        files = sorted({*self.folder.glob("*.py"), self.folder / "pytest.ini", *self.modules.values()})
        return tuple(_stamp(path) for path in files)

    @property
    def current(self) -> bool:
        """Whether no file this session collected from has changed since."""
        return self._fingerprint() == self.fingerprint

    def stop(self) -> None:
        """End the session's thread (a forked grader has none of its parent's) and forget the course modules
        it imported, so that a new session imports them afresh."""
        if self.pid == os.getpid():
            self._queue.put(None)  # an abandoned session's thread ends once it is done with the notebook it ran past
        for name in self.modules:
            sys.modules.pop(name, None)

    def _main(self):
        REFERENCE_RESULTS.set(self.reference_results)  # this thread's context: where the hidden tests run
        try:
            # rootdir: the course, so the modules are named hidden_tests.test_<set> and never clash
            # with a test module of the same name imported by whoever runs the grader
            self.exit_code = pytest.main([*PYTEST_ARGS, "-c", str(self.folder / "pytest.ini"), "--rootdir",
                                          str(self.folder.parent), str(self.folder / (self.only or ""))], plugins=[self])
        finally:
            self._ready.set()  # also when pytest stopped before its run loop

    # --- the engine's side

    def check(self, items: list[str]) -> None:
        """Raise AuthoringError unless every item has hidden tests in this folder."""
        if not self._thread.is_alive():
            raise cells.AuthoringError(f"the hidden tests in {self.folder} could not be collected (pytest exit "
                                       f"{self.exit_code}): {' '.join(self.collect_errors)[:2000]}")
        missing = [item for item in items if self._key(*cells.item_class(item, self.folder)) not in self.items]
        if missing:
            raise cells.AuthoringError(f"no hidden tests were collected for {', '.join(missing)} in {self.folder}: "
                                       f"{' '.join(self.collect_errors)[:2000]}")

    def covers(self, items: list[str]) -> bool:
        """Whether this session runs `items`' tests: one over the folder always (check() says what is missing)."""
        return self.only is None or self._thread.is_alive() and all(
            self._key(*cells.item_class(item, self.folder)) in self.items for item in items)

    def run(self, items: list[str], student: Student, deadline: float) -> list[TestOutcome]:
        """The outcomes of `items`' hidden tests against `student`, in file order.

        Past `deadline` (time.monotonic()) HiddenTestsTimeout is raised."""
        self.check(items)
        keys = dict.fromkeys(self._key(*cells.item_class(item, self.folder)) for item in items)
        request = _Request([test for key in keys for test in self.items[key]], student)
        self._queue.put(request)
        while not request.done.wait(min(1.0, max(0.0, deadline - time.monotonic()))):
            if not self._thread.is_alive():
                raise RuntimeError("the hidden tests' pytest session stopped")
            if time.monotonic() >= deadline:
                # A thread cannot be stopped: this session is left to finish alone and the
                # next notebook starts a new one.
                self.abandoned = True
                raise HiddenTestsTimeout("the hidden tests ran past the notebook's time limit in the grader")
        if request.error is not None:
            raise request.error
        return request.outcomes

    @staticmethod
    def _key(path, class_name) -> tuple[str, str]:
        return os.path.realpath(path), class_name

    # --- pytest's side, in the session's thread

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtestloop(self, session):
        for item in session.items:
            self.test_modules.add(item.module)
            self.items.setdefault(self._key(item.path, item.cls.__name__ if item.cls else ""), []).append(item)
        self._ready.set()
        while (request := self._queue.get()) is not None:
            try:
                self._request = request
                for index, item in enumerate(request.items):
                    nextitem = request.items[index + 1] if index + 1 < len(request.items) else None  # None: all fixtures torn down
                    item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            except BaseException as exc:  # reported to the engine's thread, which raises it
                request.error = exc
            finally:
                self._request = None
                request.done.set()
        return True

    @pytest.fixture(name="student")
    def student_fixture(self):
        return self._request.student

    @pytest.fixture(name="device")
    def device_fixture(self):
        with on_the_grading_device():  # for KIT_SIMULATED_DEVICE (device.py)
            yield grading_device()

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the outcome; a plain report, since pytest's traceback rendering costs most of a run."""
        excinfo = call.excinfo
        if excinfo is not None and excinfo.errisinstance(pytest.skip.Exception):
            return None  # pytest's own report
        if excinfo is not None and excinfo.errisinstance(cells.AuthoringError) and self._request.error is None:
            self._request.error = excinfo.value  # the course's mistake stops grading (engine.grade_notebook)
        if call.when == "call" or (excinfo is not None and call.when == "setup"):
            outcomes = self._request.outcomes
            message = "" if excinfo is None else student_message(excinfo.value, item.name)
            outcomes.append(TestOutcome(item.name, excinfo is None, message, item.get_closest_marker("side") is not None,
                                        item.get_closest_marker("gate") is not None))
        return pytest.TestReport(item.nodeid, item.location, {}, "passed" if excinfo is None else "failed",
                          None if excinfo is None else repr(excinfo.value)[:500], call.when,
                          duration=call.duration, start=call.start, stop=call.stop)

    def pytest_collectreport(self, report):
        if report.failed:
            self.collect_errors.append(str(report.longrepr))


def _course_modules(names: set[str], course: Path) -> dict[str, Path]:
    """{module: file} of the modules in `names` whose files are in the course folder (the hidden
    tests, the solutions), not the engine's own (this package), which is never re-imported."""
    found, engine = {}, __name__.split(".")[0]
    for name in names:
        file = getattr(sys.modules.get(name), "__file__", None)
        if file and name.split(".")[0] != engine and Path(file).resolve().is_relative_to(course):
            found[name] = Path(file).resolve()
    return found


def _reference_files(session: HiddenTests) -> set[Path]:
    """The files of the course's modules that the hidden tests import, outside their own folder and the
    installed packages: those their collection imported, and those their modules hold (imported earlier
    by whoever runs the grader)."""
    course, engine, found = session.folder.parent, __name__.split(".")[0], set(session.modules.values())
    for module in session.test_modules:
        for value in vars(module).values():
            owner = value if inspect.ismodule(value) else sys.modules.get(getattr(value, "__module__", None) or "")
            file = getattr(owner, "__file__", None)
            if (file and Path(file).suffix == ".py" and owner.__name__.split(".")[0] != engine
                    and Path(file).resolve().is_relative_to(course)):
                found.add(Path(file).resolve())
    installed = [Path(folder).resolve() for folder in {*sysconfig.get_paths().values(), *site.getsitepackages()}]
    return {path for path in found if not path.is_relative_to(session.folder)  # a venv may live in the course folder
            and not any(path.is_relative_to(folder) for folder in installed)}


def _stamp(path: Path) -> tuple:
    try:
        stat = path.stat()
    except OSError:
        return (str(path), None)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def hidden_tests(folder: str | os.PathLike, run: GradingRun | None = None, *, items: list[str] = (),
                 exercise_set: str | None = None) -> HiddenTests:
    """The grading run's session over the hidden tests in `folder` (default run: this process's); a new one
    when a file it collected from changed, and in a forked grader. A new one collects test_<set>.py alone where
    there is one (`exercise_set`, else the one set of `items`); one lacking `items`' tests gives way to one over all."""
    run = run or GradingRun.instance()
    folder = Path(folder).resolve()
    sets = {exercise_set} if exercise_set else {item.split(".")[0] for item in items}
    only = next((f"test_{name}.py" for name in sets if len(sets) == 1 and (folder / f"test_{name}.py").is_file()), None)
    with run.lock:
        session = run.hidden_tests.get(folder)
        if session is None:
            session = run.hidden_tests[folder] = HiddenTests(folder, only=only)
        elif not session.current:
            session.stop()  # the course changed since it collected: a new session imports it afresh, and computes anew
            session = run.hidden_tests[folder] = HiddenTests(folder, only=session.only)
        elif session.pid != os.getpid() or session.abandoned:
            session = run.hidden_tests[folder] = HiddenTests(folder, session.reference_results, session.only)
        if not session.covers(items):
            session.stop()  # its modules go, so that the new session's collection imports (and fingerprints) them all
            session = run.hidden_tests[folder] = HiddenTests(folder)
        return session
