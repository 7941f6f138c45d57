"""Grades out of the gradebook, per task and for an LMS: plugins of `nbgrader export`.

    nbgrader export --exporter=autograder.nbgrader.export.TaskGrades    --to grades-per-task.csv
    nbgrader export --exporter=autograder.nbgrader.export.CanvasGrades  --to canvas.csv
    nbgrader export --exporter=autograder.nbgrader.export.MoodleGrades  --to moodle.csv

(`python -m autograder export --format tasks|canvas|moodle` runs the same.) nbgrader's `--assignment`
and `--student` select as for its stock CSV, which stays the default (`grades.csv`).

- TaskGrades: a row per student; a column per task (each graded cell, autograded or written, named by
  its exercise heading in the release notebook) and one per set (its score after the late penalty); the
  second row, "out of", holds each column's points.
- CanvasGrades: Canvas's gradebook import (Student, ID, SIS User ID, SIS Login ID, Section, then a
  column per set; a "Points Possible" row under the header).
- MoodleGrades: Moodle's CSV grade import (the user fields of Moodle's own export, then a column per
  set); on import, "Email address" or "ID number" identifies the user.

A missing submission is an empty cell, never 0, in each file, and so is a written answer that awaits
its grade; the set's total counts nbgrader's score, in which that answer is still 0.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from nbgrader.api import Gradebook
from nbgrader.plugins import ExportPlugin
from traitlets import Dict

from autograder.grading.exercises import graded_exercises
from autograder.nbgrader.converter import converter_course


@dataclass(frozen=True)
class Task:
    """A graded cell of a set, as a column names it."""

    notebook: str
    grade_id: str
    name: str
    points: float


@dataclass
class SetGrades:
    """One set: its tasks and, per student who handed it in, the score of each task and of the set."""

    name: str
    points: float
    tasks: list[Task]
    tasks_of: dict[str, dict[tuple[str, str], float | None]]  # student: {(notebook, grade_id): score or None}
    total_of: dict[str, float]  # student: the set's score after the late penalty


def number(value: float | None) -> str:
    """A score as a cell shows it; None (nothing to show) is an empty cell."""
    return "" if value is None else format(round(float(value), 4), "g")


class GradeTable(ExportPlugin):
    """What the exporters share: the selected sets and students read from the gradebook once."""

    default_file = "grades.csv"

    def export(self, gradebook: Gradebook) -> None:
        sets = [self._read_set(gradebook, a) for a in gradebook.assignments
                if not self.assignment or a.name in map(str, self.assignment)]
        students = sorted((s for s in gradebook.students if not self.student or s.id in map(str, self.student)),
                          key=lambda s: s.id)
        path = self.to or self.default_file
        self.log.info("Exporting grades of %d students in %d sets to %s", len(students), len(sets), path)
        with open(path, "w", newline="", encoding="utf-8") as out:
            csv.writer(out).writerows(self.rows(sets, students))

    def rows(self, sets: list[SetGrades], students: list) -> list[list[str]]:
        raise NotImplementedError

    def _read_set(self, gradebook: Gradebook, assignment) -> SetGrades:
        tasks = []
        for notebook in assignment.notebooks:
            names = self._exercise_names(assignment.name, notebook.name)
            order = list(names)
            cells = sorted(notebook.grade_cells, key=lambda c: order.index(c.name) if c.name in names else len(order))
            tasks += [Task(notebook.name, cell.name, names.get(cell.name, cell.name), float(cell.max_score))
                      for cell in cells]
        if len(assignment.notebooks) > 1:  # a name says which notebook where a set has several
            tasks = [Task(t.notebook, t.grade_id, f"{t.notebook}: {t.name}", t.points) for t in tasks]
        tasks_of, total_of = {}, {}
        for submission in assignment.submissions:
            # nbgrader records neither score of a written answer until its instructor grades it
            tasks_of[submission.student.id] = {
                (notebook.name, grade.name): None if grade.auto_score is None and grade.manual_score is None
                else float(grade.score) for notebook in submission.notebooks for grade in notebook.grades}
            total_of[submission.student.id] = max(0.0, submission.score - (submission.late_submission_penalty or 0.0))
        return SetGrades(assignment.name, float(assignment.max_score), tasks, tasks_of, total_of)

    def _exercise_names(self, assignment: str, notebook: str) -> dict[str, str]:
        """{grade_id: exercise name} in the release notebook's order; empty where it has no readable headings."""
        course = converter_course(self)
        path = course.release(assignment, notebook) if course is not None else None
        if path is None or not os.path.isfile(path):
            return {}
        return {grade_id: name for _, name, grade_id in graded_exercises(path)}

    @staticmethod
    def set_score(grades: SetGrades, student) -> str:
        return number(grades.total_of.get(student.id))


class TaskGrades(GradeTable):
    """A CSV with a column per task and per set; "out of" holds the points."""

    default_file = "grades-per-task.csv"

    def rows(self, sets, students):
        header = ["student_id", "last_name", "first_name", "email"]
        out_of = ["out of", "", "", ""]
        for grades in sets:
            header += [f"{grades.name}: {task.name}" for task in grades.tasks] + [grades.name]
            out_of += [number(task.points) for task in grades.tasks] + [number(grades.points)]
        rows = [header, out_of]
        for student in students:
            row = [student.id, student.last_name or "", student.first_name or "", student.email or ""]
            for grades in sets:
                scores = grades.tasks_of.get(student.id, {})
                row += [number(scores.get((t.notebook, t.grade_id))) for t in grades.tasks]
                row.append(self.set_score(grades, student))
            rows.append(row)
        return rows


class CanvasGrades(GradeTable):
    """Canvas's gradebook import CSV: a column per set, under its name or `c.CanvasGrades.assignment_ids`.

    The student is the nbgrader id as SIS User ID and SIS Login ID; ID is Canvas's user id where
    nbgrader has one (`lms_user_id`, e.g. from a roster imported from Canvas)."""

    default_file = "canvas-grades.csv"
    assignment_ids = Dict({}, help="Canvas's id of each set's assignment, {set: id}: its column is then "
                                   "headed 'set (id)', as in Canvas's own export, and updates that assignment; "
                                   "a set without an id is a new column (a new assignment).").tag(config=True)

    def rows(self, sets, students):
        header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
        header += [f"{g.name} ({self.assignment_ids[g.name]})" if g.name in self.assignment_ids else g.name
                   for g in sets]
        rows = [header, ["Points Possible", "", "", "", ""] + [number(g.points) for g in sets]]
        for student in students:
            name = ", ".join(part for part in (student.last_name, student.first_name) if part) or student.id
            rows.append([name, student.lms_user_id or "", student.id, student.id, ""]
                        + [self.set_score(g, student) for g in sets])
        return rows


class MoodleGrades(GradeTable):
    """Moodle's CSV grade import: the user fields of Moodle's export, then a column per set."""

    default_file = "moodle-grades.csv"

    def rows(self, sets, students):
        rows = [["First name", "Last name", "ID number", "Email address"]
                + [g.name for g in sets]]
        for student in students:
            rows.append([student.first_name or "", student.last_name or "", student.id, student.email or ""]
                        + [self.set_score(g, student) for g in sets])
        return rows


# What `python -m autograder export --format` names.
FORMATS = {"tasks": TaskGrades, "canvas": CanvasGrades, "moodle": MoodleGrades}


def exporter_name(format_name: str) -> str:
    """The class path `nbgrader export --exporter=` takes for a format of FORMATS."""
    return f"{__name__}.{FORMATS[format_name].__name__}"

