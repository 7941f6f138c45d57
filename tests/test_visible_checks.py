"""Each visible check judges its own task only (one mistake, one charge, in the notebook too).

For every set, the release notebook with the reference answers is run cell by cell in the
sandbox while, in turn, one task is a stub or a typical wrong answer (its first mistake case in
tests/cases, else an answer that returns None): every other task's check must still pass. And
with every task after task k a stub, the checks up to k must pass.
"""
from __future__ import annotations

import pytest

from autograder.grading import cells
from autograder.authoring import corpus
from autograder.authoring import degenerate
from autograder.grading.student_process import Limits, StudentProcess
from autograder.authoring.submissions import Case, build_notebook, read_case
from conftest import ROOT

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

LIMITS = Limits(cell_seconds=120, notebook_seconds=600)


def tasks(assignment):
    return degenerate.tasks(corpus.notebook_of(assignment, root=ROOT))


def stub(assignment, answer):
    release = corpus.notebook_of(assignment, "release", ROOT).read_text()
    import nbformat
    nb = nbformat.reads(release, as_version=4)
    return next(c.source for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == answer)


def wrong(assignment, answer, definitions):
    for path in sorted((ROOT / "tests" / "cases" / assignment).glob("*.py")):
        case = read_case(path)
        if case.expect and list(case.replace) == [answer] and not case.insert_after:
            return case.replace[answer]
    return degenerate.degenerate_source(definitions, "None")


def failing_checks(tmp_path, assignment, replace: dict[str, str]) -> dict[str, str]:
    """{check grade_id: its error} when the reference notebook runs with `replace`d answer cells."""
    nb = build_notebook(Case(tmp_path, "reference", {}, replace=replace),
                        corpus.notebook_of(assignment, "release", ROOT), corpus.notebook_of(assignment, root=ROOT))
    worker = StudentProcess(tmp_path, LIMITS)
    failures = {}
    try:
        for number, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            reply = worker.run_cell(cell.source, f"cell {number}")
            if cells.is_test_cell(cell) and reply["error"]:
                error = reply["error"]
                failures[cells.nbgrader_meta(cell)["grade_id"]] = f"{error['ename']}: {error['evalue']}"[:300]
    finally:
        worker.close()
    return failures


SCENARIOS = [(assignment, index, kind) for assignment in corpus.assignments(ROOT)
             for index in range(len(tasks(assignment))) for kind in ("stub", "wrong", "later-stubs")]


@pytest.mark.parametrize("assignment, index, kind", SCENARIOS, ids=lambda v: str(v))
def test_each_check_passes_whatever_the_other_tasks_hold(tmp_path, assignment, index, kind):
    found = tasks(assignment)
    answer, check, definitions = found[index]
    if kind == "later-stubs":
        replace = {later: stub(assignment, later) for later, _, _ in found[index + 1:]}
        must_pass = [c for _, c, _ in found[:index + 1]]
    else:
        replace = {answer: stub(assignment, answer) if kind == "stub" else wrong(assignment, answer, definitions)}
        must_pass = [c for _, c, _ in found if c != check]
    failures = failing_checks(tmp_path, assignment, replace)
    assert not {c: failures[c] for c in must_pass if c in failures}, f"with {answer} as {kind}"
    if kind == "stub":  # the task's own check does notice (a wrong answer may be one only hidden tests catch)
        assert check in failures, f"{check} passed with {answer} as a stub"
