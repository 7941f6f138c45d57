"""The feedback page's grades: nbgrader's GetGrades, and a summary line for each exercise.

`nbgrader generate_feedback` renders the autograded notebook with nbgrader's feedback template as the
kit extends it (autograder/nbgrader/templates/kit_feedback). `GradesWithSummary` takes GetGrades'
place in `c.GenerateFeedback.preprocessors` and gives the template, in `resources["nbgrader"]`:

- `exercises`: one line per exercise of the notebook, in order: its name (the release notebook's
  `## Exercise N: name` heading that owns the graded cell; never the student's copy of it), the points
  earned of its points, and the first message of the cell's result (the results model's reading of
  it, autograder/grading/cell_result.py), cut to one line of MAX_MESSAGE characters;
- `awaiting_points`: the points of cells graded by hand that no instructor has graded yet. Such a
  cell is marked "awaiting your instructor" (`awaiting` in its nbgrader metadata) and its points are
  left out of the page's total (`max_score`) until it is graded; then it counts like any other.

The template escapes every text it is given here; a name's `code` spans are the only markup, made
from the escaped text.
"""
from __future__ import annotations

import html
import os
import re

from nbgrader.preprocessors import GetGrades

from autograder.grading.cell_result import CellResult, read_outputs
from autograder.grading.cells import is_test_cell, nbgrader_meta
from autograder.grading.exercises import graded_exercises
from autograder.nbgrader.converter import converter_course, release_notebook

MAX_MESSAGE = 160  # characters of a failure's first message in the summary; the cell shows it whole
CODE_SPAN = re.compile(r"`([^`]+)`")


def name_html(name: str) -> str:
    """An exercise's name as HTML: escaped, its `code` spans as <code>."""
    return CODE_SPAN.sub(r"<code>\1</code>", html.escape(name))


def first_line(message: str, limit: int = MAX_MESSAGE) -> str:
    """A message's first line, at most `limit` characters; "…" where some was cut."""
    line, *rest = message.strip().split("\n", 1)
    if len(line) > limit:
        return line[:limit - 1].rstrip() + "…"
    return line + (" …" if rest else "")


class GradesWithSummary(GetGrades):
    """GetGrades, with each cell graded by hand and not yet graded marked, and the page's summary."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._release_read: dict[tuple, list] = {}  # (path, mtime): its exercises, read once per run

    def _get_score(self, cell, resources):
        grade = self.gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], self.notebook_id,
                                          self.assignment_id, self.student_id)
        cell.metadata.nbgrader["score"] = grade.score
        cell.metadata.nbgrader["points"] = grade.max_score
        # nbgrader records neither score for a written answer until an instructor grades it
        cell.metadata.nbgrader["awaiting"] = grade.auto_score is None and grade.manual_score is None

    def preprocess(self, nb, resources):
        nb, resources = super().preprocess(nb, resources)
        graded = {nbgrader_meta(cell).get("grade_id"): cell for cell in nb.cells if nbgrader_meta(cell).get("grade")}
        lines = [self._line(number, name, grade_id, graded[grade_id])
                 for number, name, grade_id in self._exercises(resources, graded) if grade_id in graded]
        awaiting = sum(line["points"] for line in lines if line["awaiting"])
        info = resources["nbgrader"]
        info["exercises"] = lines
        info["awaiting_points"] = awaiting
        info["max_score"] = info["max_score"] - awaiting
        return nb, resources

    def _exercises(self, resources, graded) -> list[tuple[int, str, str]]:
        """(number, name, grade_id) of each exercise, from the release notebook; its grade ids where that
        notebook has no exercise headings."""
        found = self._release_exercises(release_notebook(self, resources))
        return found or [(number, grade_id, grade_id) for number, grade_id in enumerate(graded, 1)]

    def _release_exercises(self, path: str | None) -> list[tuple[int, str, str]]:
        """The exercises of a release notebook, read once per run for all its students (until it changes)."""
        if not path or not os.path.exists(path):
            return []
        key = (path, os.stat(path).st_mtime_ns)
        if key not in self._release_read:
            self._release_read[key] = graded_exercises(path)
        return self._release_read[key]

    def _line(self, number: int, name: str, grade_id: str, cell) -> dict:
        meta = nbgrader_meta(cell)
        score, points = float(meta.get("score") or 0.0), float(meta.get("points") or 0.0)
        message = ""
        if is_test_cell(cell) and score < points:
            course = converter_course(self)
            result = read_outputs(CellResult(grade_id, score, points), cell.get("outputs", []),
                                  course.root if course is not None else None)
            message = first_line(result.messages[0]) if result.messages else ""
        return {"number": number, "name_html": name_html(name), "grade_id": grade_id, "score": score,
                "points": points, "awaiting": bool(meta.get("awaiting")), "message": message}
