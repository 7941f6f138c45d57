"""Grade one notebook file without nbgrader's gradebook: for CI, quick checks and hosted graders.

The steps mirror `nbgrader autograde`: locked and test cells are restored from the
source notebook (with their hidden regions), missing test cells are added back, the
notebook runs through the same engine in a scratch copy of its folder, and each cell is
scored by nbgrader's own `determine_grade`, so the scores equal the gradebook's.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.utils import determine_grade

from autograder.grading import cells
from autograder.authoring.solutions import ROOT
from autograder.grading.engine import grade_notebook
from autograder.grading.cells import HIDDEN_TESTS
from autograder.nbgrader.plugin import read_submission
from autograder.grading.student_process import Limits
from autograder.results.writers import as_json


def find_source(notebook: Path, root: Path = ROOT) -> Path:
    """source/<assignment>/<name>.ipynb for a submission named <name>.ipynb."""
    candidates = sorted((root / "source").glob(f"*/{notebook.name}"))
    if notebook.parent.name and (root / "source" / notebook.parent.name / notebook.name).exists():
        return root / "source" / notebook.parent.name / notebook.name
    if len(candidates) != 1:
        raise FileNotFoundError(f"no single source notebook named {notebook.name} under {root / 'source'}: "
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


def grade_file(path: Path, source: Path | None = None, limits: Limits | None = None, root: Path = ROOT) -> dict:
    """Grade the notebook at `path` by the hidden tests of course `root`; per-cell results as plain data."""
    path = Path(path).resolve()
    source = Path(source) if source else find_source(path, root)
    release = root / "release" / source.parent.name / source.name
    nb = read_submission(path.read_bytes(), str(release if release.exists() else source),
                         (limits or Limits()).notebook_mb << 20)
    restore_protected_cells(nb, nbformat.read(source, as_version=4))
    # the files beside the notebook are copied (within limits) into the sandbox's scratch folder
    grades = {g.grade_id: g for g in grade_notebook(nb, str(path.parent), root / HIDDEN_TESTS, limits)}
    results = []
    for cell in nb.cells:
        grade_id = cells.nbgrader_meta(cell).get("grade_id")
        if grade_id in grades:
            result = grades[grade_id].result()
            result.score, result.max_score = determine_grade(cell)  # as nbgrader records it
            results.append(result)
    return as_json(str(path), str(source), results)
