"""Grade one notebook: run its cells in a student process, score each autograded test cell by its hidden tests.

The engine drives: it runs the notebook's cells in order and, at each test cell, asks the hidden
tests (hidden_tests.HiddenTests) for that cell's results before it goes on.

Each test cell's hidden tests and notes (CellTests) give its cell result (cell_result.CellResult),
which is written as the cell's outputs, by nbgrader's rules for scoring. `nbgrader autograde`
(through autograder.nbgrader.preprocessors) and `python -m autograder grade` both call `grade_notebook`.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field

from nbformat import NotebookNode, from_dict

from autograder.grading import cells
from autograder.grading.answer_alone import AnswerCell
from autograder.grading.cell_result import CellResult
from autograder.grading.hidden_tests import TestOutcome, hidden_tests
from autograder.grading.student_process import Student, StudentProcess, StudentProcessGone
from autograder.grading.text import printable
from autograder.sandbox import Limits

log = logging.getLogger(__name__)


# Said after a failed gate's own message: why one failed test costs the whole cell.
GATE_NOTE = ("the whole cell scores 0 until the check above passes: it runs your code where a GPU grader's "
             "tensors would be (the meta device, another dtype); code that fails it fails every test on such a "
             "grader, so every grader gives it 0")


@dataclass
class CellTests:
    """One autograded test cell while it is graded: its hidden tests' outcomes and the engine's notes."""

    grade_id: str
    items: list[str]
    max_points: float
    tests: list[TestOutcome] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(t.passed for t in self.tests)

    @property
    def score(self) -> float:
        """Each test's share of the points; a side test's only when every core test passed, so
        that side properties cannot add up to credit for a wrong answer; nothing when a gate
        failed (what one grading machine would fail in every test, every machine fails here)."""
        scored = [t for t in self.tests if not t.gate]  # a gate takes points away, it earns none
        if not scored or any(t.gate and not t.passed for t in self.tests):
            return 0.0
        core_right = all(t.passed for t in scored if not t.side)
        counted = sum(t.passed and (core_right or not t.side) for t in scored)
        return round(self.max_points * counted / len(scored), 2)

    @property
    def messages(self) -> list[str]:
        """Notes, then each distinct failure message once, a failed gate's followed by GATE_NOTE (why
        the whole cell scores 0); control characters a student's text
        brings (terminal sequences in an exception message) escaped, for every page and terminal."""
        failed = []
        for t in self.tests:
            if not t.passed:
                failed += [t.message, GATE_NOTE] if t.gate else [t.message]
        return list(dict.fromkeys(printable(m) for m in self.notes + failed))

    def result(self) -> CellResult:
        """This cell's result (what its outputs hold)."""
        return CellResult(self.grade_id, self.score, self.max_points, self.messages,
                          self.passed if self.tests else None, len(self.tests) if self.tests else None, self.items)


def _visible_outputs(outputs: list) -> list[dict]:
    """Keep what the student's code printed or drew; only the kit writes error outputs into test cells."""
    return [o for o in outputs if type(o) is dict and o.get("output_type") in ("stream", "display_data")]


# What the grader keeps of the outputs that come from the student's process. That process caps
# its own outputs too, but it runs student code and may send anything.
MAX_CELL_OUTPUT_CHARS = 2_000_000
MAX_NOTEBOOK_OUTPUT_CHARS = 20_000_000
MAX_OUTPUTS_PER_CELL = 200
KEPT_MIME_TYPES = ("text/plain", "image/png", "image/jpeg")


def _clean_output(out, budget: int) -> tuple[dict | None, int]:
    """One output from the student process as a valid nbformat output, and its size; None if it is not one."""
    if type(out) is not dict:
        return None, 0
    kind = out.get("output_type")
    if kind == "stream" and out.get("name") in ("stdout", "stderr") and type(out.get("text")) is str:
        return {"output_type": kind, "name": out["name"], "text": out["text"]}, len(out["text"])
    if kind in ("display_data", "execute_result") and type(out.get("data")) is dict:
        data, size = {}, 0
        for mime, value in out["data"].items():
            # Text and pictures only: HTML, JavaScript, SVG, Markdown or widget data from the
            # student's process could run script in formgrader and the feedback pages.
            if mime not in KEPT_MIME_TYPES or type(value) is not str or len(value) > budget - size:
                continue
            if mime == "text/plain" or cells.is_image(mime, value):
                data[mime], size = value, size + len(value)
        entry = {"output_type": kind, "data": data, "metadata": {}}
        if kind == "execute_result":
            entry["execution_count"] = None
        return entry, size
    if kind == "error":
        ename, evalue, traceback = out.get("ename"), out.get("evalue"), out.get("traceback")
        lines = [line for line in traceback if type(line) is str] if type(traceback) is list else []
        entry = {"output_type": kind, "ename": ename if type(ename) is str else "Error",
                 "evalue": evalue if type(evalue) is str else "", "traceback": lines}
        return entry, len(entry["ename"]) + len(entry["evalue"]) + sum(len(line) for line in lines)
    return None, 0


def _clean_outputs(outputs, budget: int) -> tuple[list[dict], int]:
    """Outputs that came from the student process, reduced to valid nbformat outputs within `budget` characters.

    Returns the outputs and the characters they take; what does not fit is replaced by a note.
    """
    kept, used = [], 0
    budget = min(budget, MAX_CELL_OUTPUT_CHARS)
    for out in (outputs if type(outputs) is list else [])[:MAX_OUTPUTS_PER_CELL + 1]:
        entry, size = _clean_output(out, budget - used)
        if entry is None:
            continue
        if used + size > budget or len(kept) >= MAX_OUTPUTS_PER_CELL:
            kept.append({"output_type": "stream", "name": "stderr",
                         "text": "[the rest of this cell's output was cut: it is over the grader's limit]\n"})
            break
        kept.append(entry)
        used += size
    return kept, used


def _error_fields(error) -> dict | None:
    """The error a cell raised, as the student process reported it: ename and evalue as short text."""
    if type(error) is not dict:
        return None
    ename, evalue = error.get("ename"), error.get("evalue")
    return {"ename": ename[:200] if type(ename) is str else "Error",
            "evalue": evalue[:2000] if type(evalue) is str else ""}


# Seconds past the notebook's own time limit that its hidden tests may take in the grader.
GRACE_SECONDS = 30.0


def grade_notebook(nb: NotebookNode, workdir: str, hidden: str | os.PathLike, limits: Limits | None = None,
                   usage: dict | None = None) -> list[CellTests]:
    """Run `nb`'s code cells in order in a fresh student process started in `workdir`, and grade its test
    cells by the hidden tests in folder `hidden`.

    Cell outputs are replaced in place. Returns one CellTests per autograded test cell.
    `usage`, if given, receives how the student's process ended (cpu_seconds, peak_mib, ...).
    Whatever goes wrong on the grader's side while handling the notebook scores every test
    cell 0 with the reason, so the submission is still recorded and no earlier grade stays.
    Only an authoring error (the course's own mistake) stops grading.
    """
    unreadable = nb.metadata.get(cells.UNREADABLE_KEY)
    process = None
    try:
        process = None if unreadable else StudentProcess(workdir, limits)
        run = _NotebookRun(nb, process, f"your notebook file could not be read: {unreadable}" if unreadable else None)
        items = [item for grade in run.grades.values() for item in grade.items]
        tests = hidden_tests(hidden, items=items)
        tests.check(items)
        student = Student(process, references=tests.references) if process is not None else None
        for index, grade in run.grades.items():
            if grade.items and run.run_through(index):
                with AnswerCell.of(nb.cells, index, process.limits) as student.answer:
                    grade.tests = tests.run(grade.items, student, process.deadline + GRACE_SECONDS)
        run.run_through(len(nb.cells))
        return run.finish()
    except cells.AuthoringError:
        raise
    except Exception as exc:
        log.exception("grading this notebook failed on the grader's side; every test cell scores 0")
        if process is not None:  # the hidden tests' thread may still be using it
            process.abandon("the grader stopped grading this notebook")
        return _ungraded(nb, f"the grader failed while handling your notebook ({type(exc).__name__}); "
                               f"tell your instructor")
    finally:
        if process is not None:
            process.close()
            if usage is not None:
                usage.update(process.ending or {})


def _cell_tests(index: int, cell) -> CellTests:
    """The grade of autograded test cell `index`, before its hidden tests run."""
    meta = cells.nbgrader_meta(cell)
    return CellTests(meta.get("grade_id", f"cell {index + 1}"), cells.split_hidden(cell.source)[1],
                     float(meta.get("points", 0)))


def _ungraded(nb: NotebookNode, reason: str) -> list[CellTests]:
    """Every test cell at 0 with `reason`; nothing of the student's outputs is kept."""
    grades = []
    for index, cell in enumerate(nb.cells):
        if cell.get("cell_type") != "code":
            continue
        cell.outputs = []
        if cells.is_test_cell(cell):
            grade = _cell_tests(index, cell)
            grade.notes.append(f"not graded: {reason}")
            cell.outputs = [from_dict(o) for o in grade.result().outputs()]
            grades.append(grade)
    return grades


class _NotebookRun:
    """The notebook's cells, run one after another as the hidden tests reach them."""

    def __init__(self, nb: NotebookNode, process: StudentProcess | None, stopped: str | None):
        self.nb, self.process, self.stopped = nb, process, stopped
        self.next_cell = 0
        self.output_budget = MAX_NOTEBOOK_OUTPUT_CHARS
        self.results: dict[int, tuple[list, dict | None]] = {}
        self.grades: dict[int, CellTests] = {}
        for index, cell in enumerate(nb.cells):
            if cells.is_test_cell(cell):
                self.grades[index] = _cell_tests(index, cell)

    def run_through(self, last: int) -> bool:
        """Run the cells up to and including `last`; False once the student's process is gone."""
        while self.next_cell <= min(last, len(self.nb.cells) - 1):
            index, cell = self.next_cell, self.nb.cells[self.next_cell]
            self.next_cell += 1
            if cell.cell_type != "code":
                continue
            if self.stopped is not None:
                if index in self.grades:
                    self.grades[index].notes.append(f"not graded: {self.stopped}")
                self.results[index] = ([], None)
                continue
            code = cells.split_hidden(cell.source)[0] if index in self.grades else cell.source
            if not code.strip() and index not in self.grades:  # nothing to run (a notebook of 60,000 empty cells)
                self.results[index] = ([], None)
                continue
            try:
                reply = self.process.run_cell(code, f"cell {index + 1}")
                outputs, used = _clean_outputs(reply.get("outputs"), self.output_budget)
                self.output_budget -= used
                self.results[index] = (outputs, _error_fields(reply.get("error")))
            except StudentProcessGone as gone:
                self.stopped = str(gone)
                self.results[index] = ([{"output_type": "error", "ename": "Stopped", "evalue": self.stopped,
                                         "traceback": [self.stopped]}], None)
                if index in self.grades:
                    self.grades[index].notes.append(f"not graded: {self.stopped}")
        if self.process is not None and self.process.gone and self.stopped is None:
            self.stopped = self.process.gone  # lost during the hidden tests of the cell before
        return self.stopped is None

    def finish(self) -> list[CellTests]:
        """Write each cell's outputs (test cells: points, then the student's output, then messages)."""
        for index, cell in enumerate(self.nb.cells):
            if cell.cell_type != "code":
                continue
            outputs, error = self.results.get(index, ([], None))
            grade = self.grades.get(index)
            if grade is None:
                cell.outputs = [from_dict(o) for o in outputs]
                continue
            if not grade.notes:
                if error is not None and error["ename"] != "NotImplementedError":
                    grade.notes.append(f"a visible check in this cell failed: "
                                       f"{error['ename']}: {error['evalue'][:500]}")
                if not grade.items:
                    grade.notes.append("this test cell names no hidden tests (instructor: add grade(...))")
            cell.outputs = [from_dict(o) for o in grade.result().outputs(_visible_outputs(outputs))]
        return list(self.grades.values())
