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
from autograder.hidden_tests import TestOutcome, run_item_tests
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


def grade_notebook(nb: NotebookNode, workdir: str, limits: Limits | None = None) -> list[CellGrade]:
    """Run `nb`'s code cells in order in a fresh worker started in `workdir`, and grade its test cells.

    Cell outputs are replaced in place. Returns one CellGrade per autograded test cell.
    """
    unreadable = nb.metadata.get(UNREADABLE_KEY)
    worker = None if unreadable else Worker(workdir, limits)
    stopped = f"your notebook file could not be read: {unreadable}" if unreadable else None
    grades: list[CellGrade] = []
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            label = f"cell {index + 1}"
            code, items = cells.split_hidden(cell.source) if cells.is_test_cell(cell) else (cell.source, [])
            outputs, error = [], None
            if stopped is None:
                try:
                    reply = worker.run_cell(code, label)
                    outputs, error = _clean_outputs(reply.get("outputs")), reply.get("error")
                except WorkerGone as gone:
                    stopped = str(gone)
                    outputs = [{"output_type": "error", "ename": "Stopped", "evalue": stopped, "traceback": [stopped]}]
            if not cells.is_test_cell(cell):
                cell.outputs = [from_dict(o) for o in outputs]
                continue

            grade = CellGrade(cells.nbgrader_meta(cell).get("grade_id", label), items,
                              float(cells.nbgrader_meta(cell).get("points", 0)))
            if stopped is not None:
                grade.notes.append(f"not graded: {stopped}")
            else:
                if type(error) is dict and error.get("ename") != "NotImplementedError":
                    grade.notes.append(f"a visible check in this cell failed: "
                                       f"{error.get('ename')}: {str(error.get('evalue'))[:500]}")
                if not items:
                    grade.notes.append("this test cell names no hidden tests (instructor: add grade(...))")
                else:
                    grade.tests = run_item_tests(items, Student(worker))
                    if worker.gone:
                        stopped = worker.gone
            cell.outputs = [from_dict(o) for o in
                            _score_outputs(grade) + _visible_outputs(outputs) + _failure_output(grade)]
            grades.append(grade)
    finally:
        if worker is not None:
            worker.close()
    return grades
