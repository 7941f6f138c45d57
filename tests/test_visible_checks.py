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
from autograder.sandbox import Limits
from autograder.grading.student_process import StudentProcess
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


def run_checks(tmp_path, assignment, case: Case) -> tuple[dict[str, str], dict[str, str]]:
    """Run the notebook `case` describes: ({check grade_id: its error}, {check grade_id: what it printed})."""
    nb = build_notebook(case, corpus.notebook_of(assignment, "release", ROOT), corpus.notebook_of(assignment, root=ROOT))
    worker = StudentProcess(tmp_path, LIMITS)
    failures, printed = {}, {}
    try:
        for number, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            reply = worker.run_cell(cell.source, f"cell {number}")
            if not cells.is_test_cell(cell):
                continue
            grade_id = cells.nbgrader_meta(cell)["grade_id"]
            if reply["error"]:
                error = reply["error"]
                failures[grade_id] = f"{error['ename']}: {error['evalue']}"[:300]
            printed[grade_id] = "".join(o.get("text", "") for o in reply.get("outputs", [])
                                        if o.get("output_type") == "stream" and o.get("name") == "stdout")
    finally:
        worker.close()
    return failures, printed


def failing_checks(tmp_path, assignment, replace: dict[str, str]) -> dict[str, str]:
    """{check grade_id: its error} when the reference notebook runs with `replace`d answer cells."""
    return run_checks(tmp_path, assignment, Case(tmp_path, "reference", {}, replace=replace))[0]


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


CORRECT_CASES = [path for assignment in corpus.assignments(ROOT)
                 for path in sorted((ROOT / "tests" / "cases" / assignment).glob("*.py"))
                 if read_case(path).base == "reference" and not read_case(path).expect]


@pytest.mark.parametrize("path", CORRECT_CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_correct_case_passes_every_visible_check_and_each_says_so(tmp_path, path):
    """A right answer, however it is written, is shown no error by any visible check, and every
    check prints a line when it passes (the student sees that it ran)."""
    failures, printed = run_checks(tmp_path, path.parent.name, read_case(path))
    assert failures == {}, f"{path.stem}: a visible check failed a right answer"
    silent = [grade_id for grade_id, text in printed.items() if not text.strip()]
    assert silent == [], f"{path.stem}: these visible checks passed without printing a line"


# Mistakes that a gate or a core hidden test fails and that the visible checks once passed (issue 35):
# the notebook's own check now fails each too, in the student's terms.
CAUGHT_BY_THE_VISIBLE_CHECK = {
    "ann/count-state-dict": "buffers",
    "ann/layout-cpu-layer": "meta device",
    "autograd/gradients-float64-leaves": "scalar float32 leaves",
    "autograd/gradients-one-element-leaves": "scalar float32 leaves",
    "autograd/numerical-gradient-float32-step": "rounded to float32",
    "building_blocks/gradient-arguments-swapped": "the predictions first",
    "building_blocks/fit-loss-arguments-swapped": "the predictions first",
    "building_blocks/sgd-reset-new-zeros": "float64",
    "devices/to-numpy-squeezed": "keep its shape",
}


@pytest.mark.parametrize("name", CAUGHT_BY_THE_VISIBLE_CHECK)
def test_the_visible_check_fails_what_a_hidden_test_fails(tmp_path, name):
    assignment, stem = name.split("/")
    case = read_case(ROOT / "tests" / "cases" / assignment / f"{stem}.py")
    (answer,) = case.replace
    check = next(c for a, c, _ in tasks(assignment) if a == answer)
    failures = run_checks(tmp_path, assignment, case)[0]
    assert CAUGHT_BY_THE_VISIBLE_CHECK[name] in failures.get(check, ""), failures
