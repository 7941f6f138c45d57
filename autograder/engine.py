"""Grade one notebook: run its cells in a worker, score each autograded test cell by its hidden tests.

The outputs written into each test cell follow nbgrader's rules for scoring
(`nbgrader.utils.determine_grade`): the first output is an execute_result holding the
points earned, so nbgrader records partial credit; failures follow as an error output
whose lines are the messages for the student. `nbgrader autograde` (through
autograder.nbgrader_plugin) and `python -m autograder grade` both call `grade_notebook`.
"""
from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field

from nbformat import NotebookNode, from_dict

from autograder import cells
from autograder.hidden_tests import TestOutcome, run_notebook_tests
from autograder.session import Limits, Student, Worker, WorkerGone

log = logging.getLogger(__name__)
UNREADABLE_KEY = "kit_unreadable"


@dataclass
class CellGrade:
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
        if not self.tests:
            return 0.0
        return round(self.max_points * self.passed / len(self.tests), 2)

    @property
    def messages(self) -> list[str]:
        """Notes, then each distinct failure message once."""
        return list(dict.fromkeys(self.notes + [t.message for t in self.tests if not t.passed]))


def _score_outputs(grade: CellGrade) -> list[dict]:
    """The execute_result that nbgrader reads as this cell's points."""
    summary = (f"Hidden tests: {grade.passed} of {len(grade.tests)} passed, "
               f"{grade.score:g} of {grade.max_points:g} points")
    return [{"output_type": "execute_result", "execution_count": None, "metadata": {},
             "data": {"text/plain": f"{grade.score:g}", "text/html": f"<p>{html.escape(summary)}</p>"}}]


def _failure_output(grade: CellGrade) -> list[dict]:
    if not grade.messages:
        return []
    failed = len(grade.tests) - grade.passed
    return [{"output_type": "error", "ename": "Not passed",
             "evalue": f"{failed} of {len(grade.tests)} hidden tests failed" if grade.tests else "not graded",
             "traceback": [f"- {m}" for m in grade.messages]}]


def _visible_outputs(outputs: list) -> list[dict]:
    """Keep what the student's code printed or drew; only the kit writes error outputs into test cells."""
    return [o for o in outputs if type(o) is dict and o.get("output_type") in ("stream", "display_data")]


def _clean_outputs(outputs) -> list[dict]:
    """Outputs that came from the worker, reduced to valid nbformat outputs."""
    kept = []
    for out in outputs if type(outputs) is list else []:
        if type(out) is not dict:
            continue
        kind = out.get("output_type")
        if kind == "stream" and out.get("name") in ("stdout", "stderr") and type(out.get("text")) is str:
            kept.append({"output_type": kind, "name": out["name"], "text": out["text"]})
        elif kind in ("display_data", "execute_result") and type(out.get("data")) is dict:
            data = {k: v for k, v in out["data"].items() if type(k) is str and type(v) in (str, dict, list)}
            entry = {"output_type": kind, "data": data, "metadata": {}}
            if kind == "execute_result":
                entry["execution_count"] = None
            kept.append(entry)
        elif kind == "error":
            traceback = [line for line in out.get("traceback", []) if type(line) is str]
            kept.append({"output_type": kind, "ename": str(out.get("ename", "Error")),
                         "evalue": str(out.get("evalue", "")), "traceback": traceback})
    return kept


def grade_notebook(nb: NotebookNode, workdir: str, limits: Limits | None = None,
                   usage: dict | None = None) -> list[CellGrade]:
    """Run `nb`'s code cells in order in a fresh worker started in `workdir`, and grade its test cells.

    Cell outputs are replaced in place. Returns one CellGrade per autograded test cell.
    `usage`, if given, receives how the student's process ended (cpu_seconds, peak_mib, ...).
    """
    unreadable = nb.metadata.get(UNREADABLE_KEY)
    worker = None if unreadable else Worker(workdir, limits)
    try:
        run = _NotebookRun(nb, worker, f"your notebook file could not be read: {unreadable}" if unreadable else None)
        steps = [(index, grade.items) for index, grade in run.grades.items() if grade.items]
        if steps and run.stopped is None:
            for index, outcomes in run_notebook_tests(steps, Student(worker), run.run_through).items():
                run.grades[index].tests = outcomes
        run.run_through(len(nb.cells))
        return run.finish()
    finally:
        if worker is not None:
            worker.close()
            if usage is not None:
                usage.update(worker.ending or {})


class _NotebookRun:
    """The notebook's cells, run one after another as the hidden tests reach them."""

    def __init__(self, nb: NotebookNode, worker: Worker | None, stopped: str | None):
        self.nb, self.worker, self.stopped = nb, worker, stopped
        self.next_cell = 0
        self.results: dict[int, tuple[list, dict | None]] = {}
        self.grades: dict[int, CellGrade] = {}
        for index, cell in enumerate(nb.cells):
            if cells.is_test_cell(cell):
                meta = cells.nbgrader_meta(cell)
                self.grades[index] = CellGrade(meta.get("grade_id", f"cell {index + 1}"),
                                               cells.split_hidden(cell.source)[1], float(meta.get("points", 0)))

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
            try:
                reply = self.worker.run_cell(code, f"cell {index + 1}")
                self.results[index] = (_clean_outputs(reply.get("outputs")), reply.get("error"))
            except WorkerGone as gone:
                self.stopped = str(gone)
                self.results[index] = ([{"output_type": "error", "ename": "Stopped", "evalue": self.stopped,
                                         "traceback": [self.stopped]}], None)
                if index in self.grades:
                    self.grades[index].notes.append(f"not graded: {self.stopped}")
        if self.worker is not None and self.worker.gone and self.stopped is None:
            self.stopped = self.worker.gone  # lost during the hidden tests of the cell before
        return self.stopped is None

    def finish(self) -> list[CellGrade]:
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
                if type(error) is dict and error.get("ename") != "NotImplementedError":
                    grade.notes.append(f"a visible check in this cell failed: "
                                       f"{error.get('ename')}: {str(error.get('evalue'))[:500]}")
                if not grade.items:
                    grade.notes.append("this test cell names no hidden tests (instructor: add grade(...))")
            cell.outputs = [from_dict(o) for o in
                            _score_outputs(grade) + _visible_outputs(outputs) + _failure_output(grade)]
        return list(self.grades.values())
