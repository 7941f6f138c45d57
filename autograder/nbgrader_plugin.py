"""The kit's parts that plug into nbgrader (see nbgrader_config.py).

- GradeWithHiddenTests replaces nbgrader's Execute preprocessor in `nbgrader autograde`.
- TolerantNotebookExporter reads submissions; a file that is not a readable notebook
  becomes the release notebook marked unreadable, so the student is graded 0 with the
  reason instead of nbgrader dropping the submission and keeping an older grade.
"""
from __future__ import annotations

import os

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Float, Integer

from autograder.engine import UNREADABLE_KEY, grade_notebook
from autograder.sandbox import Limits


class GradeWithHiddenTests(NbGraderPreprocessor):
    """Run the notebook in a sandboxed worker process and score its test cells by their hidden tests.

    The limits below are per notebook; a limit hit is shown in the student's feedback.
    """

    cell_timeout = Float(60.0, help="Seconds (wall clock) one notebook cell may run.").tag(config=True)
    call_timeout = Float(60.0, help="Seconds (wall clock) one call of student code by a hidden test may run.").tag(config=True)
    notebook_timeout = Float(600.0, help="Seconds (wall clock) for the whole notebook: cells and hidden tests.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds the notebook's process may use (a hard rlimit).").tag(config=True)
    memory_mb = Integer(2048, help="MiB of resident memory for all the notebook's processes.").tag(config=True)
    processes = Integer(256, help="Processes plus threads the notebook may run at once.").tag(config=True)
    file_size_mb = Integer(256, help="MiB for one file written by student code.").tag(config=True)
    disk_mb = Integer(1024, help="MiB for all files in the notebook's scratch folder.").tag(config=True)

    def limits(self) -> Limits:
        return Limits(cell_seconds=self.cell_timeout, call_seconds=self.call_timeout,
                      notebook_seconds=self.notebook_timeout, cpu_seconds=self.cpu_seconds,
                      memory_mb=self.memory_mb, processes=self.processes, file_size_mb=self.file_size_mb,
                      disk_mb=self.disk_mb)

    def preprocess(self, nb, resources):
        workdir = resources.get("metadata", {}).get("path") or "."
        grades = grade_notebook(nb, workdir, self.limits())
        for grade in grades:
            self.log.info("%s: %g / %g (%d of %d hidden tests passed)", grade.grade_id, grade.score,
                          grade.max_points, grade.passed, len(grade.tests))
        return nb, resources


def read_submission(text: str, fallback_path: str | None):
    """A notebook from `text`, or the fallback notebook marked with why `text` could not be read."""
    try:
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        return nb
    except Exception as exc:  # any unreadable file is the same outcome: 0 points and the reason
        reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
    if not fallback_path or not os.path.exists(fallback_path):
        raise ValueError(f"the notebook could not be read ({reason}) and there is no release notebook to stand in")
    nb = nbformat.read(fallback_path, as_version=4)
    nb.metadata[UNREADABLE_KEY] = reason
    return nb


class TolerantNotebookExporter(NotebookExporter):
    def from_file(self, file_stream, resources=None, **kw):
        try:
            text = file_stream.read()
        except UnicodeDecodeError as exc:
            text = f"not text: {exc}"
        nb = read_submission(text, self._release_notebook(resources))
        if UNREADABLE_KEY in nb.metadata:
            self.log.warning("Submission %s could not be read: %s", resources.get("metadata", {}).get("name"),
                             nb.metadata[UNREADABLE_KEY])
        return self.from_notebook_node(nb, resources, **kw)

    def _release_notebook(self, resources) -> str | None:
        info = (resources or {}).get("nbgrader", {})
        coursedir = getattr(self.parent, "coursedir", None)
        if coursedir is None or "assignment" not in info or "notebook" not in info:
            return None
        folder = coursedir.format_path(coursedir.release_directory, ".", info["assignment"])
        return os.path.join(folder, info["notebook"] + ".ipynb")
