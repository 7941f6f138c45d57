"""A long-lived grader (formgrader's autograde button runs inside the Jupyter server) grades with the
course as it is now: what one grading run computed from the solutions is not used by the next one
after the solutions changed."""
from __future__ import annotations

import os
import shutil
import time

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.authoring.corpus import gradebook_scores, nbgrader, submit
from autograder.grading import hidden_tests
from autograder.grading.run import GradingRun
from autograder.nbgrader.command import api
from conftest import ROOT

SET = "doubling"
TASK = "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n"
CHECK = f"assert double(1) == 2\n### BEGIN HIDDEN TESTS\ngrade(\"{SET}.double\")\n### END HIDDEN TESTS\n"
# the reference result goes through checks.computed_once, as the training set's oracle runs do
HIDDEN_TEST = f'''import {SET}_reference as reference
from autograder.checks import computed_once, expect_number


@computed_once
def expected(x):
    return reference.double(x)


class TestDouble:
    def test_three(self, student):
        expect_number(student.call("double", 3), expected(3), "double(3)")
'''


def _cell(source, grade_id, **nbgrader_meta):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "locked": False, "solution": False,
                                 "grade": False, **nbgrader_meta}
    return cell


def _write_reference(course, factor: int) -> None:
    path = course / f"{SET}_reference.py"
    existed = path.exists()
    path.write_text(f"def double(x):\n    return {factor} * x\n")
    if existed:
        _bump(path)


def _bump(path) -> None:
    """A change within the clock's resolution is still a change."""
    stamp = path.stat().st_mtime_ns + 10**9
    os.utime(path, ns=(stamp, stamp))


def test_a_reference_result_is_computed_once_per_session_and_anew_when_the_solution_changes(tmp_path):
    course = tmp_path / "course"
    folder = course / "hidden_tests"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "hidden_tests" / "pytest.ini", folder)
    calls = course / "calls.txt"
    reference = course / "cached_reference.py"
    reference.write_text(f"FACTOR = 2\n\ndef scaled(x):\n    with open({str(calls)!r}, 'a') as f:\n"
                         f"        f.write('call\\n')\n    return FACTOR * x\n")
    (folder / "test_cached.py").write_text(
        "import cached_reference as reference\nfrom autograder.checks import computed_once\n\n\n"
        "@computed_once\ndef expected(x):\n    return reference.scaled(x)\n\n\n"
        "class TestScaled:\n    def test_now(self):\n        assert expected(3) == 3 * reference.FACTOR\n")

    def grade():
        return hidden_tests.hidden_tests(folder).run(["cached.scaled"], None, time.monotonic() + 60)

    assert [t.passed for t in grade() + grade()] == [True, True]
    assert calls.read_text().count("call") == 1  # the second notebook reuses the first one's result

    reference.write_text(reference.read_text().replace("FACTOR = 2", "FACTOR = 5"))
    _bump(reference)
    assert [t.passed for t in grade()] == [True]  # computed with the solution as it is now
    assert calls.read_text().count("call") == 2


def test_a_forked_grader_imports_a_solution_changed_since_its_parent_collected(tmp_path):
    """A grader forked from one that collected the hidden tests starts its own session; when the course
    changed in between, that session imports the solution as it is now, not the parent's import of it."""
    course = tmp_path / "course"
    folder = course / "hidden_tests"
    folder.mkdir(parents=True)
    shutil.copy(ROOT / "hidden_tests" / "pytest.ini", folder)
    reference = course / "forked_reference.py"
    reference.write_text("FACTOR = 2\n")
    (folder / "test_forked.py").write_text("import forked_reference as reference\n\n\nclass TestFactor:\n"
                                           "    def test_now(self):\n        assert reference.FACTOR == 5\n")
    hidden_tests.hidden_tests(folder)
    reference.write_text("FACTOR = 5\n")
    _bump(reference)
    child = os.fork()
    if child == 0:  # the forked grader: exit 0 when its session passed the test against the solution as it is now
        try:
            outcomes = hidden_tests.hidden_tests(folder).run(["forked.factor"], None, time.monotonic() + 60)
            os._exit(0 if [t.passed for t in outcomes] == [True] else 1)
        finally:
            os._exit(2)
    assert os.waitpid(child, 0)[1] == 0


@pytest.mark.slow  # nbgrader runs
def test_formgrader_grades_with_the_solution_as_changed_since_its_last_run(tmp_path):
    course = tmp_path / "course"
    (course / "hidden_tests").mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copy(ROOT / "hidden_tests" / "pytest.ini", course / "hidden_tests")
    (course / "hidden_tests" / f"test_{SET}.py").write_text(HIDDEN_TEST)
    _write_reference(course, 2)
    (course / "source" / SET).mkdir(parents=True)
    nbformat.write(new_notebook(cells=[_cell(TASK, "double-answer", solution=True),
                                       _cell(CHECK, "double-check", grade=True, locked=True, points=1)],
                                metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                         "language": "python"}}),
                   course / "source" / SET / f"{SET}.ipynb")
    nbgrader(course, "generate_assignment", SET, "--force")
    nb = nbformat.read(course / "release" / SET / f"{SET}.ipynb", as_version=4)
    nb.cells[0].source = "def double(x):\n    return x + x\n"
    nbformat.write(nb, submit(course, "ada", SET))

    formgrader = api(course)  # one NbGraderAPI in this process, as formgrader's server holds
    first = formgrader.autograde(SET, "ada", force=True, create=True)
    assert gradebook_scores(course, SET) == {"ada": {"double-check": 1.0}}, first["log"][-3000:]
    run, folder = GradingRun.instance(), (course / "hidden_tests").resolve()
    session = run.hidden_tests[folder]
    assert session.reference_results, "the reference result came from checks.computed_once"

    _write_reference(course, 3)  # the instructor fixes the solution: double now means triple
    second = formgrader.autograde(SET, "ada", force=True, create=True)
    assert gradebook_scores(course, SET) == {"ada": {"double-check": 0.0}}, second["log"][-3000:]
    assert GradingRun.instance() is run, "the same grading run: the server's process"
    assert run.hidden_tests[folder] is not session and run.hidden_tests[folder].reference_results, \
        "the run renewed its session and computed the reference anew"
