"""Writers of the results model (results/model.py), one per audience. (A test cell's outputs in
the graded notebook are the cell result's own: autograder/grading/cell_result.py.)

- `as_json` and `as_text`: one notebook graded by `python -m autograder grade`.
- `as_gradescope`: one submission as Gradescope's results.json
  (https://gradescope-autograders.readthedocs.io/en/latest/specs/): one test per autograded cell,
  its output what the student sees in that cell.
- `class_summary`: per autograded cell the mean score, how many got full marks and the most common
  failure messages; `format_summary` prints it, `plot_summary` draws it as a PNG.
- `gradebook_table`: the gradebook's scores per student and cell (`python -m autograder report`).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.cell_result import CellResult
from autograder.grading.text import printable
from autograder.nbgrader import gradebook
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import AssignmentCell
from autograder.results.model import SubmissionResult, read_graded_assignment, read_graded_submission

NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")


# ----------------------------------------------------------------------------- one notebook

def as_json(notebook: str, source: str, cell_results: list[CellResult]) -> dict:
    return {"notebook": notebook, "source": source,
            "score": round(sum(c.score for c in cell_results), 2),
            "max_score": sum(c.max_score for c in cell_results),
            "cells": [{"grade_id": c.grade_id, "items": c.items, "score": c.score, "max_score": c.max_score,
                       "tests_passed": c.tests_passed, "tests_total": c.tests_total, "messages": c.messages}
                      for c in cell_results]}


def as_text(result: dict) -> str:
    """as_json's result, for a terminal: a student's text keeps to its own line, escaped."""
    lines = [f"{printable(result['notebook'])}: {result['score']:g} / {result['max_score']:g}"]
    for cell in result["cells"]:
        lines.append(f"  {cell['grade_id']:<24} {cell['score']:>5g} / {cell['max_score']:<3g} "
                     f"({cell['tests_passed']} of {cell['tests_total']} hidden tests passed)")
        lines += [f"      - {printable(message, newlines=False)}" for message in cell["messages"]]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- Gradescope

def as_gradescope(result: SubmissionResult) -> dict:
    several = len({c.notebook for c in result.cells}) > 1
    tests = [{"name": f"{c.notebook}: {c.grade_id}" if several else c.grade_id, "score": round(c.score, 2),
              "max_score": c.max_score, "output": c.shown, "visibility": "visible"} for c in result.cells]
    total = round(sum(t["score"] for t in tests), 2)
    output = f"{result.assignment}: {total:g} of {result.max_score:g} points"
    return {"score": total, "output": ". ".join([output, *result.notes]), "tests": tests}


def write_gradescope(results: list[SubmissionResult], out: Path, single: bool = False) -> list[Path]:
    """`out/<student>/results.json` for each submission; with `single`, `out` is the one file."""
    written = []
    for result in results:
        path = Path(out) if single else Path(out) / result.student / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(as_gradescope(result), indent=2) + "\n")
        written.append(path)
    return written


# ----------------------------------------------------------------------------- class summary

@dataclass
class CellSummary:
    cell: AssignmentCell
    scores: list[float]
    failures: list[tuple[str, int]] = field(default_factory=list)  # (an example message, how many students)

    @property
    def mean(self) -> float:
        return sum(self.scores) / len(self.scores) if self.scores else 0.0

    @property
    def full_marks(self) -> int:
        return sum(score >= self.cell.max_score - 1e-6 for score in self.scores)


def class_summary(results: list[SubmissionResult], top: int = 3) -> list[CellSummary]:
    """Per autograded cell: every submission's score and the `top` most common failure messages.

    Messages that differ only in their numbers count as one (each student once), shown by the
    first example met.
    """
    rows = []
    for index, cell in enumerate(results[0].cells if results else []):
        counts, examples = Counter(), {}
        for result in results:
            mine = result.cells[index]
            if mine.score >= mine.max_score - 1e-6:
                continue
            for key, message in {NUMBER.sub("#", m): m for m in mine.messages}.items():
                counts[key] += 1
                examples.setdefault(key, message)
        rows.append(CellSummary(AssignmentCell(cell.notebook, cell.grade_id, cell.max_score),
                                [result.cells[index].score for result in results],
                                [(examples[key], n) for key, n in counts.most_common(top)]))
    return rows


def assignment_summary(course: Course, assignment: str, top: int = 3) -> list[CellSummary]:
    return class_summary(read_graded_assignment(course, assignment), top)


def format_summary(assignment: str, rows: list[CellSummary], width: int = 100) -> str:
    count = len(rows[0].scores) if rows else 0
    lines = [f"{assignment}: {count} submissions", f"{'cell':<24} {'mean / max':<13} {'full marks':<11}  most common failures"]
    for row in rows:
        head = f"{row.cell.grade_id[:24]:<24} {row.mean:>6.2f} / {row.cell.max_score:<4g} {row.full_marks:>5}/{count:<5}"
        failures = [f"{n}x {printable(message, newlines=False)[:width]}" for message, n in row.failures] or ["-"]
        lines.append(f"{head}  {failures[0]}")
        lines += [" " * (len(head) + 2) + failure for failure in failures[1:]]
    return "\n".join(lines)


def plot_summary(assignment: str, rows: list[CellSummary], path: Path) -> Path:
    """A bar per autograded cell: the mean score as a share of its points, with full marks n/N."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    count = len(rows[0].scores) if rows else 0
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(rows) + 1.5))
    names = [row.cell.grade_id for row in rows][::-1]
    shares = [100 * row.mean / row.cell.max_score if row.cell.max_score else 0 for row in rows][::-1]
    bars = ax.barh(names, shares, color="#4c72b0")
    for bar, row in zip(bars, rows[::-1]):
        ax.text(min(bar.get_width(), 100) + 1, bar.get_y() + bar.get_height() / 2,
                f"{row.mean:.2f}/{row.cell.max_score:g}  full {row.full_marks}/{count}", va="center", fontsize=8)
    ax.set_xlim(0, 135)
    ax.set_xlabel("mean score (% of the cell's points)")
    ax.set_title(f"{assignment}: {count} submissions")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


# ----------------------------------------------------------------------------- the gradebook

MANUAL, NOT_GRADED = "manual grade", "not graded"


def gradebook_table(course: Course, assignment: str) -> str:
    """The gradebook's scores, a row per student and a column per graded cell (names whole), the
    last row what each is out of. A written answer that waits for the instructor reads "manual
    grade"; an autograded cell nbgrader never graded (it failed on the submission) "not graded";
    a submission scored 0 as a whole (a notebook missing or unreadable) has the reason under it."""
    found = gradebook.assignment_cells(course.db_url, assignment)
    if found is None:
        raise ValueError(f"no assignment {assignment!r} in the gradebook {course.db_url}")
    recorded = gradebook.recorded_grades(course.db_url, assignment)
    keys = [(cell.notebook, cell.grade_id) for cell in found]
    first = max([len("student"), len("out of"), *map(len, recorded)]) + 2
    widths = [max(len(cell.grade_id), len(MANUAL)) + 2 for cell in found]
    lines = [f"{'student':<{first}}" + "".join(f"{c.grade_id:>{w}}" for c, w in zip(found, widths)) + f"{'total':>10}"]
    for student, grades in sorted(recorded.items()):
        shown = [(NOT_GRADED if cell.autograded else MANUAL) if key in grades and grades[key].needs_manual_grade
                 else f"{grades[key].score if key in grades else 0:g}" for cell, key in zip(found, keys)]
        ungraded = NOT_GRADED in shown
        waiting = sum(cell.max_score for cell, key, text in zip(found, keys, shown) if text == MANUAL)
        total = sum(grades[key].score for key in keys if key in grades)
        lines.append(f"{printable(student, newlines=False):<{first}}" + "".join(f"{t:>{w}}" for t, w in zip(shown, widths))
                     + f"{total:>10g}" + (f"  (+ up to {waiting:g} awaiting a manual grade)" if waiting else ""))
        reason = (f"{NOT_GRADED}: nbgrader failed on this submission (its log says why)" if ungraded
                  else _reason(course, assignment, student))
        if reason:
            lines.append(" " * first + printable(reason, newlines=False))
    lines.append(f"{'out of':<{first}}" + "".join(f"{c.max_score:>{w}g}" for c, w in zip(found, widths))
                 + f"{sum(c.max_score for c in found):>10g}")
    return "\n".join(lines)


def _reason(course: Course, assignment: str, student: str) -> str | None:
    try:
        return read_graded_submission(course, assignment, student).reason
    except ValueError:
        return None
