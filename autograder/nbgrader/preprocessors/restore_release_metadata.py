"""RestoreReleaseMetadata: the first step of sanitizing a submission gives every cell its nbgrader
metadata as released (or none), so forged, duplicated or broken metadata neither crashes nbgrader
nor earns points."""
from __future__ import annotations

import copy
import os

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.grading import cells
from autograder.nbgrader.converter import release_notebook


class RestoreReleaseMetadata(NbGraderPreprocessor):
    """Give every cell of a submission its nbgrader metadata as released, before nbgrader reads any of it.

    The student's file decides nothing about grading: a cell whose grade_id is a cell of the
    release gets that cell's nbgrader metadata back whole (grade, solution, locked, points, task,
    schema_version, grade_id, checksum) and its cell type; any other cell, or a second cell with
    the same grade_id (the last one keeps it, as in nbgrader's DeduplicateIds), loses its nbgrader
    metadata. Markdown attachments are kept only as PNG, JPEG or GIF pictures, and a raw cell's
    output format is dropped (nbconvert would paste raw HTML into the pages people read).
    An answer cell of the release that the submission lacks (a task added by a re-release after it
    was handed in, or a deleted cell) is added as released, after the cell that precedes it there,
    so that OverwriteCells can re-add its check after it (stock nbgrader fails the whole notebook
    with a KeyError) and that task alone earns 0.
    OverwriteCells then restores the locked and test cells' sources and re-adds missing ones.
    Stock nbgrader stops the whole run on some of these (a schema_version it does not know) and
    keeps the student's old grade on others (points that are not a number, an unknown key).
    """

    def preprocess(self, nb, resources):
        path = release_notebook(self, resources)
        if path is None or not os.path.exists(path):
            raise FileNotFoundError(f"the release notebook {path} is missing: run nbgrader generate_assignment")
        released, order = {}, []
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
                released[meta["grade_id"]] = cell
                order.append(meta["grade_id"])
        seen = set()
        for index in reversed(range(len(nb.cells))):
            cell = nb.cells[index]
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is not None:
                grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
                if type(grade_id) is str and grade_id in released and grade_id not in seen:
                    seen.add(grade_id)
                    nb.cells[index] = cell = _as_released(cell, released[grade_id])
                else:
                    self.log.warning("Dropping nbgrader metadata of a cell (grade_id %r): %s", str(grade_id)[:100],
                                     "already used by a later cell" if grade_id in seen else "not a cell of the release")
                    del cell.metadata["nbgrader"]
            _keep_safe_content(cell)
        _add_missing_answers(self, nb, released, order, seen)
        return nb, resources


def _add_missing_answers(preprocessor, nb, released: dict, order: list[str], present: set[str]) -> None:
    """Insert each released answer cell that `nb` lacks after the cell preceding it in the release."""
    for position, grade_id in enumerate(order):
        meta = released[grade_id].metadata["nbgrader"]
        if grade_id in present or not meta.get("solution") or meta.get("grade"):
            continue  # an autograded answer (solution and grade) OverwriteCells re-adds itself
        before = next((g for g in reversed(order[:position]) if g in present), None)
        index = 0 if before is None else 1 + next(
            i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == before)
        preprocessor.log.warning("Adding the released answer cell %s, missing from the submission", grade_id)
        nb.cells.insert(index, nbformat.from_dict(copy.deepcopy(released[grade_id])))
        present.add(grade_id)


def _as_released(cell, released):
    """`cell` with the released cell's nbgrader metadata and type; its id and (for answers) its source kept."""
    meta = released.metadata["nbgrader"]
    keep_source = not (meta.get("locked") or (meta.get("grade") and not meta.get("solution")))
    fields = {"id": cell.get("id", released.get("id")), "cell_type": released.cell_type,
              "source": cell.get("source", "") if keep_source and type(cell.get("source")) is str else released.source,
              "metadata": nbformat.from_dict({**{k: v for k, v in cell.metadata.items() if k != "nbgrader"},
                                              "nbgrader": copy.deepcopy(meta)})}
    if released.cell_type == "code":
        fields.update(outputs=[], execution_count=None)
    elif released.cell_type == "markdown" and keep_source and "attachments" in cell:
        fields["attachments"] = cell["attachments"]
    if "id" not in cell and "id" not in released:
        del fields["id"]
    return nbformat.from_dict(fields)


def _keep_safe_content(cell) -> None:
    if cell.get("cell_type") == "raw":
        for key in ("format", "raw_mimetype"):
            cell.metadata.pop(key, None)
    attachments = cell.get("attachments")
    if attachments is None:
        return
    safe = {}
    if isinstance(attachments, dict):
        for name, bundle in attachments.items():
            if isinstance(bundle, dict):
                images = {mime: data for mime, data in bundle.items() if cells.is_image(mime, data)}
                if images:
                    safe[str(name)] = images
    if safe and cell.get("cell_type") == "markdown":
        cell["attachments"] = safe
    else:
        del cell["attachments"]
