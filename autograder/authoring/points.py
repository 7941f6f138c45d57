"""The points of a set, written once: in the nbgrader metadata of its graded cells.

Each source notebook's closing cell ends with a line `**Points.** ...` that lists every graded
cell under the heading of its section, with its points and the total. `python -m autograder
solutions` writes that line from the metadata; a test fails when a notebook's line has drifted.
"""
from __future__ import annotations

import re

from autograder.grading import cells

POINTS_LINE = re.compile(r"^\*\*Points\.\*\*.*$", re.MULTILINE | re.DOTALL)
SECTION = re.compile(r"^#+\s*(?:\d+\.\s*)?(.+?)\s*$", re.MULTILINE)


def graded_cells(nb) -> list[tuple[str, float, bool]]:
    """(section title, points, written) of each graded cell, in notebook order; written: graded by hand."""
    found, title = [], ""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heading = SECTION.search(cell.source)
            if heading and not cells.nbgrader_meta(cell).get("grade"):
                title = heading.group(1)
        meta = cells.nbgrader_meta(cell)
        if meta.get("grade"):
            written = cell.cell_type == "markdown"
            found.append((title, float(meta.get("points", 0)), written))
    return found


def points_line(nb) -> str:
    parts = [f"{title} {points:g}" + (" (written, graded by hand)" if written else "")
             for title, points, written in graded_cells(nb)]
    total = sum(points for _, points, _ in graded_cells(nb))
    return f"**Points.** {', '.join(parts)}: {total:g} in all."


def with_points_line(nb) -> bool:
    """Write the points line into the closing cell; True if it changed."""
    closing = nb.cells[-1]
    if closing.cell_type != "markdown" or not POINTS_LINE.search(closing.source):
        raise cells.AuthoringError("the closing cell of a source notebook must end with a line starting "
                                   "'**Points.**' (the points are written there from the metadata)")
    new = POINTS_LINE.sub(lambda _: points_line(nb), closing.source)
    changed = new != closing.source
    closing.source = new
    return changed
