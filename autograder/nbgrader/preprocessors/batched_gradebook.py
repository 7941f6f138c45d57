"""nbgrader's OverwriteCells and SaveAutoGrades with a notebook's gradebook rows read in one query
each, and SaveAutoGrades' writes committed once per notebook.

Stock nbgrader looks each cell up in the gradebook on its own (a query per cell, two for a graded
one) and commits after every grade and every comment: about 60 statements and 18 commits per
notebook of 9 graded cells. These subclasses run nbgrader's own per-cell code unchanged on a view
of the gradebook that answers those lookups from rows read once; what is recorded is the same, and a
notebook's grades are durable when its SaveAutoGrades step ends, before the next notebook starts.
"""
from __future__ import annotations

from nbgrader import api
from sqlalchemy.orm import with_polymorphic
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteCells, SaveAutoGrades


class _NotebookRows:
    """The gradebook, with the lookups nbgrader's per-cell code makes answered from rows read once;
    a name not among them goes to the gradebook (which raises MissingEntry as stock does)."""

    def __init__(self, gradebook: api.Gradebook, notebook: api.Notebook | None = None, **rows: dict):
        self._gradebook = gradebook
        self._notebook = notebook
        self._rows = rows

    def _find(self, kind: str, name: str, *args):
        found = self._rows.get(kind, {}).get(name)
        return found if found is not None else getattr(self._gradebook, f"find_{kind}")(name, *args)

    def find_notebook(self, *args):
        return self._notebook if self._notebook is not None else self._gradebook.find_notebook(*args)

    def find_source_cell(self, name, *args):
        return self._find("source_cell", name, *args)

    def find_graded_cell(self, name, *args):
        return self._find("graded_cell", name, *args)

    def find_grade(self, name, *args):
        return self._find("grade", name, *args)

    def find_comment(self, name, *args):
        return self._find("comment", name, *args)

    def __getattr__(self, name):
        return getattr(self._gradebook, name)


class _CommitAtEnd:
    """The gradebook's session, whose commits wait for the end of the notebook (`commit_now`)."""

    def __init__(self, session):
        self._session = session

    def commit(self):
        pass

    def commit_now(self):
        self._session.commit()

    def __getattr__(self, name):
        return getattr(self._session, name)


class BatchedOverwriteCells(OverwriteCells):
    """nbgrader's OverwriteCells (its settings are read as `c.OverwriteCells`), with the notebook's
    source cells and graded cells read in one query each instead of one or two per cell."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id, self.db_url = info["notebook"], info["assignment"], info["db_url"]
        with api.Gradebook(self.db_url) as gradebook:
            try:
                notebook = gradebook.find_notebook(self.notebook_id, self.assignment_id)
            except api.MissingEntry:  # stock's lookups, cell by cell, say what is missing
                notebook = None
            source_cells = {cell.name: cell for cell in notebook.source_cells} if notebook else {}
            # every cell with its subclass's columns (max_score) in one query; find_graded_cell's order:
            # a grade cell of the name first, then a task cell
            cells = (gradebook.db.query(with_polymorphic(api.BaseCell, "*"))
                     .filter(api.BaseCell.notebook_id == notebook.id).all() if notebook else [])
            graded = {cell.name: cell for kind in (api.TaskCell, api.GradeCell) for cell in cells
                      if isinstance(cell, kind)}
            self.gradebook = _NotebookRows(gradebook, notebook, source_cell=source_cells, graded_cell=graded)
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # the per-cell checks
            if self.add_missing_cells:
                nb, resources = self.add_missing_grade_cells(nb, resources)
                nb, resources = self.add_missing_task_cells(nb, resources)
        return nb, resources


class BatchedSaveAutoGrades(SaveAutoGrades):
    """nbgrader's SaveAutoGrades, with the submission's grades and comments of the notebook read in
    one query each and its scores and comments committed together once the notebook's cells are done."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        self.notebook_id, self.assignment_id = info["notebook"], info["assignment"]
        self.student_id, self.db_url = info["student"], info["db_url"]
        with api.Gradebook(self.db_url) as gradebook:
            grades, comments = self._rows(gradebook)
            session = _CommitAtEnd(gradebook.db)
            self.gradebook = _NotebookRows(gradebook, grade=grades, comment=comments)
            self.gradebook.db = session  # nbgrader's per-cell commits wait for the one below
            nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)  # _add_score, _add_comment
            session.commit_now()
        return nb, resources

    def _rows(self, gradebook: api.Gradebook) -> tuple[dict, dict]:
        """{cell name: Grade} and {cell name: Comment} of this student's notebook ({} if not recorded)."""
        try:
            submitted = gradebook.find_submission_notebook(self.notebook_id, self.assignment_id, self.student_id)
        except api.MissingEntry:
            return {}, {}
        rows = {}
        for kind, types in ((api.Grade, ("GradeCell", "TaskCell")), (api.Comment, ("SolutionCell", "TaskCell"))):
            found = (gradebook.db.query(kind, api.BaseCell.name)
                     .join(api.BaseCell, api.BaseCell.id == kind.cell_id)
                     .filter(kind.notebook_id == submitted.id, api.BaseCell.type.in_(types)))
            rows[kind] = {name: row for row, name in found}
        return rows[api.Grade], rows[api.Comment]
