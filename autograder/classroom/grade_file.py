"""Grade one notebook file without nbgrader's gradebook: for CI, quick checks and hosted graders.

The steps mirror `nbgrader autograde`: locked and test cells are restored from the
source notebook (with their hidden regions), missing test cells are added back, and the
notebook runs through the same engine in a scratch copy of its folder. The scores are the cell
results the engine wrote, which nbgrader would record as they are (tests/test_grading.py
compares them with the gradebook).
"""
from __future__ import annotations

from pathlib import Path

import nbformat

from autograder.grading import cells
from autograder.grading.engine import grade_notebook
from autograder.grading.submitted_notebook import read_submitted_file
from autograder.nbgrader.course import Course
from autograder.results.writers import as_json
from autograder.sandbox import Limits


def find_source(notebook: Path, course: Course) -> Path:
    """source/<assignment>/<name>.ipynb for a submission named <name>.ipynb."""
    beside = course.source(notebook.parent.name, notebook.stem) if notebook.parent.name else None
    if beside is not None and beside.exists():
        return beside
    candidates = [course.source(a, notebook.stem) for a in course.assignments()
                  if course.source(a, notebook.stem).exists()]
    if len(candidates) != 1:
        raise FileNotFoundError(f"no single source notebook named {notebook.name} under {course.source('')}: "
                                f"pass --source")
    return candidates[0]


def restore_protected_cells(nb, source_nb) -> None:
    """Put back the instructor's locked and test cells, as nbgrader's OverwriteCells does."""
    protected = {cells.nbgrader_meta(c)["grade_id"]: c for c in source_nb.cells
                 if cells.nbgrader_meta(c).get("locked") or cells.is_test_cell(c)}
    present = set()
    for cell in nb.cells:
        grade_id = cells.nbgrader_meta(cell).get("grade_id")
        if grade_id in protected:
            original = protected[grade_id]
            cell.cell_type, cell.source = original.cell_type, original.source
            cell.metadata["nbgrader"] = dict(original.metadata["nbgrader"])
            present.add(grade_id)
    # A deleted test cell comes back after the cell that preceded it in the source.
    previous = None
    for cell in source_nb.cells:
        grade_id = cells.nbgrader_meta(cell).get("grade_id")
        if cells.is_test_cell(cell) and grade_id not in present:
            restored = nbformat.from_dict(dict(cell, outputs=[]))
            ids = [cells.nbgrader_meta(c).get("grade_id") for c in nb.cells]
            nb.cells.insert(ids.index(previous) + 1 if previous in ids else len(nb.cells), restored)
        if grade_id:
            previous = grade_id


def grade_file(path: Path, source: Path | None = None, limits: Limits | None = None,
               course: Course | None = None) -> dict:
    """Grade the notebook at `path` by the hidden tests of `course` (default: the course in the current
    folder), within `limits` (default: the course's, c.Limits); per-cell results as plain data."""
    course = course or Course()
    limits = limits if limits is not None else course.limits
    path = Path(path).absolute()  # not resolved: a link is not followed
    source = Path(source) if source else find_source(path, course)
    release = course.release(source.parent.name, source.stem)
    # read once, never through a link; a copy of the source notebook is graded (instructors check the
    # reference this way), unlike in the course's collect, autograde and Gradescope runs
    nb = read_submitted_file(path, str(release if release.exists() else source), limits.notebook_mb << 20)
    restore_protected_cells(nb, nbformat.read(source, as_version=4))
    # the files beside the notebook are copied (within limits) into the sandbox's scratch folder
    graded = grade_notebook(nb, str(path.parent), course.hidden_tests, limits)
    return as_json(str(path), str(source), [cell.result() for cell in graded])
