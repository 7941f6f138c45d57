"""The course's gradebook: the one reader of what nbgrader recorded.

`assignment_cells` and `recorded_grades` are how the kit reads grades (the URL comes from
`autograder.nbgrader.course.Course.db_url`); `sqlite_path` is the file of a sqlite URL. Every open
is nbgrader's own `Gradebook` (the kit once shared one engine per database between opens: measured
on 10 submissions, it saved under 1 s of a minute's run, so nbgrader's set-up is left as it is).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader import api


def sqlite_path(db_url: str) -> Path | None:
    """The file of a sqlite:/// URL, None for a server database."""
    return Path(db_url[len("sqlite:///"):]) if db_url.startswith("sqlite:///") else None


@dataclass(frozen=True)
class AssignmentCell:
    """A graded cell of an assignment, as the gradebook knows it."""

    notebook: str
    grade_id: str
    max_score: float
    autograded: bool = True  # a code cell of tests; False: a written answer graded by hand


@dataclass(frozen=True)
class RecordedGrade:
    """What the gradebook holds for one cell of one submission."""

    score: float
    needs_manual_grade: bool


def assignment_cells(db_url: str, assignment: str) -> list[AssignmentCell] | None:
    """The assignment's graded cells in the gradebook's order; None if the assignment is not in it."""
    with api.Gradebook(db_url) as gradebook:
        try:
            found = gradebook.find_assignment(assignment)
        except api.MissingEntry:
            return None
        return [AssignmentCell(notebook.name, cell.name, cell.max_score, cell.cell_type == "code")
                for notebook in found.notebooks for cell in notebook.grade_cells]


def notebook_names(db_url: str, assignment: str) -> list[str] | None:
    """The assignment's notebooks; None if the assignment is not in the gradebook."""
    with api.Gradebook(db_url) as gradebook:
        try:
            return sorted(notebook.name for notebook in gradebook.find_assignment(assignment).notebooks)
        except api.MissingEntry:
            return None


def recorded_grades(db_url: str, assignment: str) -> dict[str, dict[tuple[str, str], RecordedGrade]]:
    """{student: {(notebook, grade_id): grade}} for every submission of `assignment` in the gradebook."""
    with api.Gradebook(db_url) as gradebook:
        return {submission.student.id: {(notebook.name, grade.name): RecordedGrade(grade.score,
                                                                                   bool(grade.needs_manual_grade))
                                         for notebook in submission.notebooks for grade in notebook.grades}
                for submission in gradebook.find_assignment(assignment).submissions}


def autograded_scores(db_url: str, assignment: str) -> dict[str, dict[tuple[str, str], float]]:
    """{student: {(notebook, grade_id): score}} of the autograded cells, as nbgrader recorded them."""
    autograded = {(c.notebook, c.grade_id) for c in assignment_cells(db_url, assignment) or [] if c.autograded}
    return {student: {key: grade.score for key, grade in grades.items() if key in autograded}
            for student, grades in recorded_grades(db_url, assignment).items()}


def start_regrade(db_url: str, course_id: str, assignment: str, student: str) -> list[str] | None:
    """In one open, before the student's submission is graded again: every autograded cell of its
    recorded grades scores 0 (so that a grading that fails leaves 0, never the earlier grade), in one
    query and one commit; and the assignment's notebooks, None if it is not in the gradebook."""
    with api.Gradebook(db_url, course_id) as gradebook:
        held = [grade for cell in (api.GradeCell, api.TaskCell)  # the cells that have grades
                for grade in gradebook.db.query(api.Grade)
                .join(cell, cell.id == api.Grade.cell_id)
                .join(api.SubmittedNotebook, api.SubmittedNotebook.id == api.Grade.notebook_id)
                .join(api.SubmittedAssignment, api.SubmittedAssignment.id == api.SubmittedNotebook.assignment_id)
                .join(api.Assignment, api.Assignment.id == api.SubmittedAssignment.assignment_id)
                .filter(api.Assignment.name == assignment, api.SubmittedAssignment.student_id == student,
                        cell.cell_type == "code", api.Grade.auto_score != 0)]
        for grade in held:
            grade.auto_score = 0.0
        gradebook.db.commit()
        try:
            return sorted(notebook.name for notebook in gradebook.find_assignment(assignment).notebooks)
        except api.MissingEntry:
            return None
