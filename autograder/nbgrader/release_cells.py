"""An assignment's cells in the gradebook brought in line with a fresh release, submissions kept.

nbgrader's `generate_assignment` refuses to add or remove cells of an assignment that has
submissions ("Cannot add or remove cells … there are submissions"); its documented way out,
`nbgrader db assignment remove`, deletes every grade of the assignment, manual ones included.
`update_cells` does the least destructive change through nbgrader's own gradebook models instead:
each notebook's grade, solution, task and source cells become those of a gradebook that a fresh
`generate_assignment` filled (in a scratch course); existing submissions get the empty Grade and
Comment rows of new cells, as `Gradebook.add_submission` makes for a new submission; only the
grades and comments of removed cells (and of removed notebooks) are deleted. One transaction:
a failure leaves the gradebook as it was.

`remove_students` deletes students with their submissions (nbgrader's `remove_student`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from nbgrader import api

# each kind of cell: its model, the Notebook attribute listing it, the columns copied from the fresh release
_KINDS = [
    (api.GradeCell, "grade_cells", ("max_score", "cell_type")),
    (api.SolutionCell, "solution_cells", ()),
    (api.TaskCell, "task_cells", ("max_score", "cell_type")),
    (api.SourceCell, "source_cells", ("cell_type", "locked", "source", "checksum")),
]


@dataclass
class CellChanges:
    """What `update_cells` changed: cells as (notebook, cell name), and what the submissions keep and lose."""

    submissions: int = 0
    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    points: list[tuple[str, str, float, float]] = field(default_factory=list)  # (nb, cell, old, new)
    grades_lost: int = 0  # grade rows of removed graded cells, over every submission
    manual_grades_lost: int = 0  # of those, the ones an instructor had entered
    notebooks_added: list[str] = field(default_factory=list)
    notebooks_removed: list[str] = field(default_factory=list)


def update_cells(db_url: str, course_id: str, assignment: str, fresh_db_url: str) -> CellChanges:
    """Make `assignment`'s notebooks and cells in `db_url` those of `fresh_db_url` (see the module)."""
    changes = CellChanges()
    with api.Gradebook(fresh_db_url) as fresh_gb:
        fresh = {nb.name: _cells_of(nb) | {"kernelspec": nb.kernelspec}
                 for nb in fresh_gb.find_assignment(assignment).notebooks}
    with api.Gradebook(db_url, course_id) as gb:
        try:
            target = gb.update_or_create_assignment(assignment)
            changes.submissions = len(target.submissions)
            for notebook in list(target.notebooks):
                if notebook.name not in fresh:
                    changes.notebooks_removed.append(notebook.name)
                    _count_lost(changes, notebook, [c for kind in _KINDS[:3] for c in getattr(notebook, kind[1])])
                    gb.remove_notebook(notebook.name, assignment)  # commits; rare: a notebook dropped
            for name, cells in fresh.items():
                notebook = next((nb for nb in target.notebooks if nb.name == name), None)
                if notebook is None:
                    notebook = api.Notebook(name=name, assignment=target, kernelspec=cells["kernelspec"])
                    gb.db.add(notebook)
                    changes.notebooks_added.append(name)
                    for submission in target.submissions:
                        api.SubmittedNotebook(notebook=notebook, assignment=submission)
                _update_notebook(gb.db, notebook, cells, changes)
            gb.db.commit()
        except Exception:
            gb.db.rollback()
            raise
    return changes


def _cells_of(notebook: api.Notebook) -> dict:
    return {attr: {cell.name: {c: getattr(cell, c) for c in columns} for cell in getattr(notebook, attr)}
            for _, attr, columns in _KINDS}


def _count_lost(changes: CellChanges, notebook: api.Notebook, cells: list) -> None:
    for cell in cells:
        for grade in cell.grades or []:
            changes.grades_lost += 1
            changes.manual_grades_lost += grade.manual_score is not None


def _update_notebook(db, notebook: api.Notebook, fresh: dict, changes: CellChanges) -> None:
    added_ids = set()
    for model, attr, columns in _KINDS:
        old = {cell.name: cell for cell in getattr(notebook, attr)}
        if model is api.SourceCell:
            # all made again, in the release's order: nbgrader's OverwriteCells re-adds a missing
            # check after the source cell listed before it, so the order is the notebook's
            for cell in old.values():
                db.delete(cell)
            db.flush()
            old = {}
        for name, cell in old.items():
            if name in fresh[attr]:
                continue
            if model is not api.SourceCell:
                changes.removed.append((notebook.name, name))
                _count_lost(changes, notebook, [cell])
                for row in list(cell.grades or []) + list(cell.comments or []):
                    db.delete(row)
            db.delete(cell)
        for name, values in fresh[attr].items():
            cell = old.get(name)
            if cell is None:
                cell = model(name=name, notebook=notebook, **values)
                db.add(cell)
                if model is not api.SourceCell:
                    changes.added.append((notebook.name, name))
                    added_ids.add((model, name))
                continue
            if "max_score" in values and cell.max_score != values["max_score"]:
                changes.points.append((notebook.name, name, cell.max_score, values["max_score"]))
            for column, value in values.items():
                setattr(cell, column, value)
    db.flush()
    # the rows add_submission gives a new submission, for the submissions made before these cells
    new_cells = [c for model, attr, _ in _KINDS[:3] for c in getattr(notebook, attr) if (model, c.name) in added_ids]
    for submitted in notebook.submissions:
        for cell in new_cells:
            if isinstance(cell, (api.GradeCell, api.TaskCell)):
                db.add(api.Grade(cell_id=cell.id, notebook=submitted))
            if isinstance(cell, (api.SolutionCell, api.TaskCell)):
                db.add(api.Comment(cell_id=cell.id, notebook=submitted))
    changes.added = list(dict.fromkeys(changes.added))
    changes.removed = list(dict.fromkeys(changes.removed))


def remove_students(db_url: str, course_id: str, students: list[str]) -> list[str]:
    """Delete these students and all their submissions from the gradebook; returns those it held."""
    removed = []
    with api.Gradebook(db_url, course_id) as gb:
        for student in students:
            try:
                gb.remove_student(student)
            except api.MissingEntry:
                continue
            removed.append(student)
    return removed
