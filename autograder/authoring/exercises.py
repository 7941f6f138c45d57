"""The exercises of a source notebook, and the points of a set written once: in the nbgrader
metadata of its graded cells.

A source notebook is a sequence of exercises. Each starts with a markdown cell whose first line is
the heading `## Exercise N: name (k points, ≈ n lines)` and holds one graded cell: a task (an
answer cell and its check) or a written answer graded by hand (`(k points, written)`). From the
metadata, `python -m autograder solutions` writes three things a student finds their way by:

- each heading's number, points and line count (the non-blank, non-comment lines of the reference
  between the solution markers);
- the contents list in the first cell, under `**Contents**`;
- the closing cell's last line, `**Points.** ...`.

tests/test_authoring.py fails when any of them has drifted from the metadata.
"""
from __future__ import annotations

import re

from autograder.grading import cells
from autograder.grading.exercises import exercises, matches_expected, plural  # noqa: F401 -- handed on to the tools

POINTS_LINE = re.compile(r"^\*\*Points\.\*\*.*$", re.MULTILINE | re.DOTALL)
CONTENTS = re.compile(r"^\*\*Contents\*\*[^\n]*\n(?:\n?\d+\. [^\n]*(?:\n|$))*", re.MULTILINE)


def graded_cells(nb) -> list[tuple[str, float, bool]]:
    """(exercise name, points, written) of each exercise, in notebook order; written: graded by hand."""
    return [(exercise.name, exercise.points, exercise.written) for exercise in exercises(nb)]


def points_line(nb) -> str:
    parts = [f"{name} {points:g}" + (" (written, graded by hand)" if written else "")
             for name, points, written in graded_cells(nb)]
    total = sum(points for _, points, _ in graded_cells(nb))
    return f"**Points.** {', '.join(parts)}: {total:g} in all."


def contents(nb) -> str:
    found = exercises(nb)
    auto = sum(e.points for e in found if not e.written)
    written = sum(e.points for e in found if e.written)
    total = f"{auto:g} points" + (f" autograded, {written:g} written" if written else "")
    items = [f"{e.number}. {e.name} ({plural(e.points, 'point')}{', written' if e.written else ''})" for e in found]
    return f"**Contents** ({total})\n\n" + "\n".join(items) + "\n"


def with_structure(nb) -> bool:
    """Write the headings, the contents list and the points line from the metadata; True if any changed."""
    closing, opening = nb.cells[-1], nb.cells[0]
    if closing.cell_type != "markdown" or not POINTS_LINE.search(closing.source):
        raise cells.AuthoringError("the closing cell of a source notebook must end with a line starting "
                                   "'**Points.**' (the points are written there from the metadata)")
    if opening.cell_type != "markdown":
        raise cells.AuthoringError("the first cell of a source notebook must be markdown: the title, the "
                                   "objectives and the contents")
    before = [cell.source for cell in nb.cells]
    for exercise in exercises(nb):
        rest = exercise.heading.source.split("\n", 1)
        exercise.heading.source = "\n".join([exercise.heading_line()] + rest[1:])
    block = contents(nb)
    if CONTENTS.search(opening.source):
        opening.source = CONTENTS.sub(lambda _: block, opening.source, count=1)
    elif "**How to work**" in opening.source:
        opening.source = opening.source.replace("**How to work**", block + "\n**How to work**", 1)
    else:
        opening.source = opening.source.rstrip("\n") + "\n\n" + block
    closing.source = POINTS_LINE.sub(lambda _: points_line(nb), closing.source)
    return [cell.source for cell in nb.cells] != before
