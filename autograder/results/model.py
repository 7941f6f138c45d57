"""The results model: what one submission earned, cell by cell, and what its student is told.

Every report is written from these objects by results/writers.py: a test cell's outputs in the
graded notebook, the JSON of `python -m autograder grade`, Gradescope's results.json and the class
summary. After `nbgrader autograde` they are read back from the gradebook (the points, as nbgrader
recorded them) and the autograded notebooks (the messages, which the engine records as data in
the first output of each test cell: nothing is parsed back from text).

Only what a student may see is kept: the kit's messages, the name and message of any other error
(never its traceback, which could show test code) and printed output; the course's path on the
grading machine is removed.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook

from autograder.grading import cells
from autograder.nbgrader.gradebook import default_db_url
from autograder.results.text import printable

RESULT_KEY = "autograder"  # the key of a test cell's first output's metadata that holds its CellResult
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_SHOWN = 4000


@dataclass
class CellResult:
    """One autograded test cell of one submission."""

    grade_id: str
    score: float
    max_score: float
    messages: list[str] = field(default_factory=list)  # why points were lost, as the student reads it
    tests_passed: int | None = None  # of the cell's hidden tests; None where unknown
    tests_total: int | None = None
    items: list[str] = field(default_factory=list)  # the hidden-test items the cell names
    notebook: str = ""
    shown: str = ""  # everything the student sees in the cell, as text

    def record(self) -> dict:
        """What the engine stores in the cell's first output (RESULT_KEY)."""
        return {"messages": list(self.messages), "tests_passed": self.tests_passed,
                "tests_total": self.tests_total, "items": list(self.items)}


@dataclass
class SubmissionResult:
    """One student's submission of one assignment."""

    assignment: str
    student: str
    cells: list[CellResult]
    notes: list[str] = field(default_factory=list)  # about the submission as a whole

    @property
    def score(self) -> float:
        return round(sum(cell.score for cell in self.cells), 2)

    @property
    def max_score(self) -> float:
        return sum(cell.max_score for cell in self.cells)


@dataclass
class GradeCell:
    """An autograded cell of an assignment, as the gradebook knows it."""

    notebook: str
    grade_id: str
    max_score: float


def grade_cells(course: Path, assignment: str, db_url: str | None = None) -> list[GradeCell]:
    """The assignment's autograded cells, in the order of the source notebooks."""
    with Gradebook(db_url or default_db_url(course)) as gradebook:
        found = [GradeCell(nb.name, cell.name, cell.max_score) for nb in gradebook.find_assignment(assignment).notebooks
                 for cell in nb.grade_cells if cell.cell_type == "code"]
    order = {}
    for cell in found:
        source = Path(course) / "source" / assignment / f"{cell.notebook}.ipynb"
        if cell.notebook not in order and source.exists():
            ids = [cells.nbgrader_meta(c).get("grade_id") for c in nbformat.read(source, as_version=4).cells]
            order[cell.notebook] = {grade_id: i for i, grade_id in enumerate(ids)}
    return sorted(found, key=lambda c: (c.notebook, order.get(c.notebook, {}).get(c.grade_id, 0), c.grade_id))


def scores(course: Path, assignment: str, db_url: str | None = None) -> dict[str, dict[tuple[str, str], float]]:
    """{student: {(notebook, grade_id): score}} for every submission in the gradebook."""
    with Gradebook(db_url or default_db_url(course)) as gradebook:
        return {sub.student.id: {(nb.name, grade.name): grade.score for nb in sub.notebooks for grade in nb.grades
                                 if grade.cell.cell_type == "code"}
                for sub in gradebook.find_assignment(assignment).submissions}


def _clean(text: str, course: Path) -> str:
    """A message as a person reads it: colours dropped, other control characters escaped."""
    return printable(ANSI.sub("", text).replace(str(Path(course).resolve()), ".").strip())


def _recorded(output) -> dict | None:
    """The CellResult record the engine put in a test cell's first output, if it is well formed."""
    record = output.get("metadata", {}).get(RESULT_KEY) if output.get("output_type") == "execute_result" else None
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        return None
    return record


def _autograded(course: Path, student: str, assignment: str, notebook: str):
    path = Path(course) / "autograded" / student / assignment / f"{notebook}.ipynb"
    return nbformat.read(path, as_version=4) if path.exists() else None


def read_cell(course: Path, student: str, assignment: str, cell: GradeCell, score: float, nb=None) -> CellResult:
    """One autograded cell of a submission: `score` from the gradebook, the rest from the autograded
    notebook (`nb`, read here if not given)."""
    result = CellResult(cell.grade_id, score, cell.max_score, notebook=cell.notebook)
    nb = nb if nb is not None else _autograded(course, student, assignment, cell.notebook)
    found = None
    if nb is not None:
        found = next((c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == cell.grade_id), None)
    if found is None:
        result.messages = ["not graded: " + ("the cell is missing" if nb is not None else "no autograded notebook")]
        result.shown = result.messages[0]
        return result
    outputs = found.get("outputs", [])
    record = _recorded(outputs[0]) if outputs else None
    if record is not None:
        result.messages = [_clean(m, course) for m in record["messages"] if isinstance(m, str)]
        for name in ("tests_passed", "tests_total"):
            setattr(result, name, record.get(name) if type(record.get(name)) is int else None)
        result.items = [i for i in record.get("items", []) if isinstance(i, str)]
    shown = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "execute_result" and "text/html" in output.get("data", {}):
            shown.append(html.unescape(re.sub(r"<[^>]+>", "", output["data"]["text/html"])))
        elif kind == "stream":
            shown.append(output.get("text", ""))
        elif kind == "error" and not (record is not None and output.get("ename") == "Not passed"):
            result.messages.append(f"{output.get('ename')}: {_clean(str(output.get('evalue')), course)}")
    text = "\n".join(_clean(part, course) for part in shown + result.messages if part.strip())
    result.shown = text[:MAX_SHOWN] + ("\n... (cut)" if len(text) > MAX_SHOWN else "")
    return result


def read_submission(course: Path, assignment: str, student: str, db_url: str | None = None) -> SubmissionResult:
    """A graded submission, from the gradebook and its autograded notebooks; ValueError if it has no grade."""
    points = scores(course, assignment, db_url).get(student)
    if points is None:
        raise ValueError(f"{student} has no graded submission of {assignment} in the gradebook")
    grade_list = grade_cells(course, assignment, db_url)
    notebooks = {name: _autograded(course, student, assignment, name) for name in {c.notebook for c in grade_list}}
    return SubmissionResult(assignment, student, [
        read_cell(course, student, assignment, cell, points.get((cell.notebook, cell.grade_id)) or 0.0,
                  notebooks[cell.notebook])
        for cell in grade_list])


def read_assignment(course: Path, assignment: str, db_url: str | None = None) -> list[SubmissionResult]:
    """Every graded submission of `assignment`, by student id."""
    return [read_submission(course, assignment, student, db_url) for student in sorted(scores(course, assignment, db_url))]


def not_graded(course: Path, assignment: str, student: str, reason: str, db_url: str | None = None) -> SubmissionResult:
    """A submission that could not be graded: every cell 0, with the reason."""
    return SubmissionResult(assignment, student, [
        CellResult(cell.grade_id, 0.0, cell.max_score, [reason], notebook=cell.notebook, shown=reason)
        for cell in grade_cells(course, assignment, db_url)], notes=[reason])
