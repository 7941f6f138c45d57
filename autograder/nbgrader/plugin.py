"""The kit's parts that plug into nbgrader (see nbgrader_config.py).

- GradeWithHiddenTests replaces nbgrader's Execute preprocessor in `nbgrader autograde`.
- RestoreReleaseMetadata runs first when a submission is sanitized: every cell's nbgrader
  metadata is the release's (or none), so forged, duplicated or broken metadata neither
  crashes nbgrader nor earns points.
- TolerantNotebookExporter reads submissions; a file that is not a readable notebook, or one
  that nbgrader's steps still fail on, becomes the release notebook marked with the reason,
  so the student is graded 0 with it instead of nbgrader keeping an older grade.
"""
from __future__ import annotations

import copy
import datetime
import os
import sys
import threading
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder import sandbox
from autograder.grading import cells
from autograder.grading.cells import HIDDEN_TESTS, UNREADABLE_KEY
from autograder.grading.submitted_notebook import read_submitted_file, read_submitted_notebook
from autograder.nbgrader.course import Course
from autograder.nbgrader.submission_guard import notebook_digests
from autograder.sandbox import Limits
from autograder.grading.text import escape_log, printable


class GradeWithHiddenTests(NbGraderPreprocessor):
    """Run the notebook in a sandboxed student process and score its test cells by their hidden tests.

    Its limits per notebook are sandbox.Limits (`c.Limits.*`); a limit hit is shown in the
    student's feedback.
    """

    # declared here, for nbgrader's configuration and its help; read through Course.hidden_tests
    hidden_tests = Unicode(HIDDEN_TESTS, help="Folder of the course's hidden tests (test_<set>.py, pytest.ini), "
                                              "relative to the course root unless absolute.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.limits = Limits(parent=self)  # c.Limits in nbgrader_config.py
        sandbox.start(self.limits)  # starts now; its imports overlap nbgrader's first steps

    def preprocess(self, nb, resources):
        from autograder.grading.engine import grade_notebook  # torch and pytest: after the zygote started
        workdir = resources.get("metadata", {}).get("path") or "."
        usage = {}
        # outside an nbgrader converter (used on its own): the course its configuration names
        course = converter_course(self) or Course(directory=CourseDirectory(config=self.config))
        grades = grade_notebook(nb, workdir, course.hidden_tests, self.limits, usage)
        if usage.get("peak_mib"):
            self.log.info("student's process: peak memory %.0f MiB, CPU %.2f s", usage["peak_mib"],
                          usage.get("cpu_seconds") or 0)
        for grade in grades:
            self.log.info("%s: %g / %g (%d of %d hidden tests passed)", grade.grade_id, grade.score,
                          grade.max_points, grade.passed, len(grade.tests))
        return nb, resources


def start_sandbox_early(config) -> None:
    """Start the sandbox's zygote now if this process is `nbgrader autograde` (nbgrader_config.py calls it).

    Its imports (torch and IPython: most of a grading run's fixed cost) then run on
    another core while nbgrader opens the gradebook and sanitizes the first submission, and
    while the grader imports torch and collects the hidden tests. Elsewhere (formgrader's
    autograde button, NbGraderAPI) the zygote starts with the first GradeWithHiddenTests.
    """
    if Path(sys.argv[0]).name in ("nbgrader", "__main__.py") and sys.argv[1:2] == ["autograde"]:
        course = Course(directory=CourseDirectory(config=config))
        sandbox.start(course.limits)
        threading.Thread(target=_prepare_grader, args=(course.hidden_tests,), daemon=True).start()


def escape_student_text_in_log() -> None:
    """Escape control characters in what nbgrader's running app logs (nbgrader_config.py calls it):
    its warnings quote a submission's cells and names, which may hold terminal control sequences."""
    from traitlets.config import Application
    if Application.initialized():
        escape_log(Application.instance().log)


def _prepare_grader(hidden_tests_folder: Path) -> None:
    """Import torch and collect the hidden tests while nbgrader opens the gradebook and sanitizes
    the first submission; the first notebook finds them ready (or waits for them)."""
    try:
        from autograder.grading import hidden_tests
        hidden_tests.hidden_tests(hidden_tests_folder)
    except Exception:  # the first notebook tries again and reports what is wrong
        pass


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


def converter_course(owner) -> Course | None:
    """The course of the nbgrader converter above `owner` (a preprocessor or the exporter), with its app's
    configuration; None outside one."""
    while owner is not None and getattr(owner, "coursedir", None) is None:
        owner = getattr(owner, "parent", None)
    return Course(directory=owner.coursedir) if owner is not None else None


def release_notebook(owner, resources) -> str | None:
    """The release notebook of the submission in `resources` (release/<assignment>/<notebook>.ipynb)
    in the course of the nbgrader converter above `owner` (a preprocessor or the exporter)."""
    info = (resources or {}).get("nbgrader", {})
    course = converter_course(owner)
    if course is None or "assignment" not in info or "notebook" not in info:
        return None
    return str(course.release(info["assignment"], info["notebook"]))


class TolerantNotebookExporter(NotebookExporter):
    """Reads submissions for `nbgrader autograde`, and fails closed on what it cannot grade.

    A file that is not a readable notebook, or one that a step of nbgrader's (its sanitizing,
    the save of the grades) still fails on, becomes the release notebook marked with the reason:
    the student is graded 0 with that reason, the gradebook's earlier grade is replaced, and the
    run goes on with the next student (stock nbgrader keeps the old grade, or ends the run).
    """

    def from_filename(self, filename, resources=None, **kw):
        """The submission at `filename`, opened once and never through a link (a notebook that is a
        link to the source notebook is not the student's work), nor a copy of a course file."""
        resources = resources if resources is not None else {}
        if not resources.get("metadata"):
            resources["metadata"] = {}
        folder, name = os.path.split(filename)
        resources["metadata"].update(name=os.path.splitext(name)[0], path=folder)
        try:
            modified = datetime.datetime.fromtimestamp(os.lstat(filename).st_mtime, tz=datetime.timezone.utc)
            resources["metadata"]["modified_date"] = modified.strftime("%B %-d, %Y")
        except OSError:
            pass
        release = release_notebook(self, resources)
        nb = read_submitted_file(filename, release, Limits(parent=self).notebook_mb << 20,
                                 self._course_digests())
        if UNREADABLE_KEY in nb.metadata:
            self.log.warning("Submission %s could not be read: %s", printable(filename),
                             printable(nb.metadata[UNREADABLE_KEY]))
        return self.from_notebook_node(nb, resources, **kw)

    def _course_digests(self) -> dict[str, str]:
        course = converter_course(self)
        return notebook_digests(course.directory) if course is not None else {}

    def from_file(self, file_stream, resources=None, **kw):
        # the bytes under nbconvert's UTF-8 text stream: a file that is not UTF-8 is still read
        stream = getattr(file_stream, "buffer", file_stream)
        limit = Limits(parent=self).notebook_mb << 20  # c.Limits.notebook_mb
        data = stream.read(limit + 1)
        try:
            size = os.fstat(stream.fileno()).st_size
        except (AttributeError, OSError, ValueError):
            size = None
        nb = read_submitted_notebook(data, release_notebook(self, resources), limit, size)
        if UNREADABLE_KEY in nb.metadata:
            self.log.warning("Submission %s could not be read: %s", resources.get("metadata", {}).get("name"),
                             printable(nb.metadata[UNREADABLE_KEY]))
        return self.from_notebook_node(nb, resources, **kw)

    def _preprocess(self, nb, resources):
        try:
            return super()._preprocess(nb, resources)
        except Exception as exc:
            release = release_notebook(self, resources)
            if UNREADABLE_KEY in nb.metadata or not release or not os.path.exists(release):
                raise  # the release notebook itself failed: the course's mistake, for nbgrader to report
            detail = str(exc).splitlines()[0][:300] if str(exc) else ""
            reason = f"nbgrader could not process it ({type(exc).__name__}{': ' + detail if detail else ''})"
            self.log.error("Submission %s is graded as the release notebook: %s",
                           resources.get("metadata", {}).get("name"), printable(reason))
            fallback = nbformat.read(release, as_version=4)
            fallback.metadata[UNREADABLE_KEY] = reason
            return super()._preprocess(fallback, resources)
