"""The results model: what one submission earned, cell by cell, read from a graded course.

Every report is written from these objects by results/writers.py: the JSON of `python -m
autograder grade`, Gradescope's results.json and the class summary. After `nbgrader autograde`,
each cell result is read back from the gradebook (the points, as nbgrader recorded them, through
autograder/nbgrader/gradebook.py) and from the result record in the autograded notebook's test cell
(the messages and test counts, through autograder/grading/cell_result.py, which wrote it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import nbformat

from autograder.grading import cells
from autograder.grading.cell_result import CellResult, read_outputs
from autograder.nbgrader import gradebook
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import AssignmentCell


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

    @property
    def reason(self) -> str | None:
        """Why the submission as a whole scored 0 (an unreadable or missing notebook): the first
        message, when every cell scored 0 and says the same first thing; None otherwise."""
        firsts = {cell.messages[0] if cell.messages else None for cell in self.cells}
        if self.cells and self.score == 0 and len(firsts) == 1 and None not in firsts:
            return firsts.pop()
        return None


def autograded_cells(course: Course, assignment: str) -> list[AssignmentCell]:
    """The assignment's autograded cells, in the order of the source notebooks."""
    found = [cell for cell in gradebook.assignment_cells(course.db_url, assignment) or [] if cell.autograded]
    order = {}
    for cell in found:
        source = course.source(assignment, cell.notebook)
        if cell.notebook not in order and source.exists():
            ids = [cells.nbgrader_meta(c).get("grade_id") for c in nbformat.read(source, as_version=4).cells]
            order[cell.notebook] = {grade_id: i for i, grade_id in enumerate(ids)}
    return sorted(found, key=lambda c: (c.notebook, order.get(c.notebook, {}).get(c.grade_id, 0), c.grade_id))


def _autograded_notebook(course: Course, student: str, assignment: str, notebook: str):
    path = course.autograded(student, assignment, notebook)
    return nbformat.read(path, as_version=4) if path.exists() else None


def read_cell(course: Course, student: str, assignment: str, cell: AssignmentCell, score: float,
              nb=None) -> CellResult:
    """One autograded cell of a submission: `score` from the gradebook, the rest from the autograded
    notebook (`nb`, read here if not given)."""
    result = CellResult(cell.grade_id, score, cell.max_score, notebook=cell.notebook)
    nb = nb if nb is not None else _autograded_notebook(course, student, assignment, cell.notebook)
    found = None
    if nb is not None:
        # the test cell of that id: only the grader writes a test cell's outputs
        found = next((c for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == cell.grade_id
                      and cells.is_test_cell(c)), None)
    if found is None:
        result.messages = ["not graded: " + ("the cell is missing" if nb is not None else "no autograded notebook")]
        result.shown = result.messages[0]
        return result
    return read_outputs(result, found.get("outputs", []), course.root)


def read_graded_submission(course: Course, assignment: str, student: str) -> SubmissionResult:
    """A graded submission, from the gradebook and its autograded notebooks; ValueError if it has no grade."""
    points = gradebook.autograded_scores(course.db_url, assignment).get(student)
    if points is None:
        raise ValueError(f"{student} has no graded submission of {assignment} in the gradebook")
    found = autograded_cells(course, assignment)
    notebooks = {name: _autograded_notebook(course, student, assignment, name) for name in {c.notebook for c in found}}
    return SubmissionResult(assignment, student, [
        read_cell(course, student, assignment, cell, points.get((cell.notebook, cell.grade_id)) or 0.0,
                  notebooks[cell.notebook])
        for cell in found])


def read_graded_assignment(course: Course, assignment: str) -> list[SubmissionResult]:
    """Every graded submission of `assignment`, by student id."""
    return [read_graded_submission(course, assignment, student)
            for student in sorted(gradebook.autograded_scores(course.db_url, assignment))]


def ungraded_submission(course: Course, assignment: str, student: str, reason: str) -> SubmissionResult:
    """A submission that could not be graded: every cell 0, with the reason."""
    return SubmissionResult(assignment, student, [
        CellResult(cell.grade_id, 0.0, cell.max_score, [reason], notebook=cell.notebook, shown=reason)
        for cell in autograded_cells(course, assignment)], notes=[reason])
