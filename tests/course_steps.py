"""Steps of a course run shared by the hand-out, feedback and browser tests, all through nbgrader's CLI."""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.authoring.corpus import copy_course, nbgrader, notebook_of, submit
from autograder.authoring.submissions import Case, build_notebook

# A submission written from the stubs (so no reference code is in it): zeros filled with ones, a
# transposed view left unflattened, a slice written differently from the reference; the other tasks left as stubs.
TWO_MISTAKES = {
    "zeros-answer": "def make_zeros(rows, cols):\n    return torch.ones(rows, cols)\n",
    "column-order-answer": "def column_order(x):\n    return x.t()\n",
    "slice-answer": "def every_other_row(x, k):\n    return x[0::2, x.shape[1] - k:]\n",
}


def notebook_with(assignment: str, replace: dict[str, str], base: str = "reference", root: Path | None = None):
    """The release notebook of `assignment` with the reference solutions (or the stubs) and `replace` cells."""
    kwargs = {"root": root} if root else {}
    case = Case(Path(f"<{assignment} inline case>"), base, {}, replace=dict(replace))
    return build_notebook(case, notebook_of(assignment, "release", **kwargs), notebook_of(assignment, **kwargs))


def released_copy(target: Path, assignment: str) -> Path:
    course = copy_course(target)
    nbgrader(course, "generate_assignment", assignment, "--force")
    return course


def hand_in(course: Path, student: str, assignment: str, nb, timestamp: str | None = None) -> Path:
    path = submit(course, student, assignment)
    nbformat.write(nb, path)
    if timestamp:
        (path.parent / "timestamp.txt").write_text(timestamp)
    return path


def graded_feedback(target: Path, student: str = "erin", assignment: str = "tensors",
                    replace: dict[str, str] | None = None) -> tuple[Path, Path]:
    """(course, feedback HTML) after autograding one submission and generating its feedback."""
    course = released_copy(target, assignment)
    nb = notebook_with(assignment, TWO_MISTAKES, base="release") if replace is None else notebook_with(assignment, replace)
    hand_in(course, student, assignment, nb)
    nbgrader(course, "autograde", assignment, "--force")
    nbgrader(course, "generate_feedback", assignment, "--force")
    return course, course / "feedback" / student / assignment / f"{assignment}.html"
