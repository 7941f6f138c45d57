"""The kit's parts that plug into nbgrader (see nbgrader_config.py).

- GradeWithHiddenTests replaces nbgrader's Execute preprocessor in `nbgrader autograde`.
- KeepKnownCellIds runs first when a submission is sanitized: nbgrader metadata that names
  no cell of the gradebook, or a cell already named later in the notebook, is dropped, so
  forged or duplicated test cells neither crash nbgrader nor earn points.
- TolerantNotebookExporter reads submissions; a file that is not a readable notebook
  becomes the release notebook marked unreadable, so the student is graded 0 with the
  reason instead of nbgrader dropping the submission and keeping an older grade.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import nbformat
from nbconvert.exporters import NotebookExporter
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer, Unicode

from autograder import sandbox
from autograder.grading.cells import HIDDEN_TESTS, UNREADABLE_KEY
from autograder.sandbox import Limits


class GradeWithHiddenTests(NbGraderPreprocessor):
    """Run the notebook in a sandboxed worker process and score its test cells by their hidden tests.

    Its limits per notebook are sandbox.Limits (`c.Limits.*`); a limit hit is shown in the
    student's feedback.
    """

    hidden_tests = Unicode(HIDDEN_TESTS, help="Folder of the course's hidden tests (test_<set>.py, pytest.ini), "
                                              "relative to the course root unless absolute.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.limits = Limits(parent=self)  # c.Limits in nbgrader_config.py
        sandbox.zygote(self.limits)  # starts now; its imports overlap nbgrader's first steps

    def hidden_tests_folder(self) -> str:
        """The hidden tests' folder, a relative one taken from the course root (CourseDirectory.root)."""
        if os.path.isabs(self.hidden_tests):
            return self.hidden_tests
        owner = self.parent  # nbconvert's exporter, whose parent is nbgrader's converter
        while owner is not None and getattr(owner, "coursedir", None) is None:
            owner = getattr(owner, "parent", None)
        root = owner.coursedir.root if owner is not None else os.getcwd()
        return os.path.join(root, self.hidden_tests)

    def preprocess(self, nb, resources):
        from autograder.grading.engine import grade_notebook  # torch and pytest: after the zygote started
        workdir = resources.get("metadata", {}).get("path") or "."
        usage = {}
        grades = grade_notebook(nb, workdir, self.hidden_tests_folder(), self.limits, usage)
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
        sandbox.zygote(Limits(config=config))
        folder = config.GradeWithHiddenTests.get("hidden_tests", HIDDEN_TESTS)
        root = config.CourseDirectory.get("root") or os.getcwd()
        threading.Thread(target=_prepare_grader, args=(os.path.join(root, folder),), daemon=True).start()


def _prepare_grader(hidden_tests_folder: str) -> None:
    """Import torch and collect the hidden tests while nbgrader opens the gradebook and sanitizes
    the first submission; the first notebook finds them ready (or waits for them)."""
    try:
        from autograder.grading import hidden_tests
        hidden_tests.hidden_tests(hidden_tests_folder)
    except Exception:  # the first notebook tries again and reports what is wrong
        pass


class KeepKnownCellIds(NbGraderPreprocessor):
    """Drop nbgrader metadata that is malformed, unknown to the gradebook, or a duplicate.

    As nbgrader's DeduplicateIds does, the last cell with a grade_id keeps it. The cells whose
    metadata is dropped stay in the notebook as ordinary cells; OverwriteCells then restores
    the real test cells, re-adding any that are missing.
    """

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        try:
            with Gradebook(info["db_url"]) as gradebook:
                known = {c.name for c in gradebook.find_notebook(info["notebook"], info["assignment"]).source_cells}
        except MissingEntry:
            return nb, resources
        seen = set()
        for cell in reversed(nb.cells):
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is None:
                continue
            grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
            if isinstance(grade_id, str) and grade_id in known and grade_id not in seen:
                seen.add(grade_id)
                continue
            self.log.warning("Dropping nbgrader metadata of a cell (grade_id %r): %s", grade_id,
                             "already used by a later cell" if grade_id in seen else "not a cell of this assignment")
            del cell.metadata["nbgrader"]
        return nb, resources


def read_submission(data: bytes | str, fallback_path: str | None, max_bytes: int = 50 << 20):
    """A notebook from `data`, or the fallback notebook marked with why `data` could not be read.

    Outputs do not count for grading (every cell is run again), so a notebook that is only
    invalid because of its outputs (binary junk, wrong types) is read without them.
    """
    if len(data) > max_bytes:
        reason = f"the file is {len(data) / 2**20:.0f} MiB, over the limit of {max_bytes >> 20} MiB"
    else:
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else data
        try:
            return _parse(text)
        except Exception as exc:  # any unreadable file is the same outcome: 0 points and the reason
            reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
    if not fallback_path or not os.path.exists(fallback_path):
        raise ValueError(f"the notebook could not be read ({reason}) and there is no release notebook to stand in")
    nb = nbformat.read(fallback_path, as_version=4)
    nb.metadata[UNREADABLE_KEY] = reason
    return nb


def _parse(text: str):
    invalid = {}
    nb = nbformat.reads(text, as_version=4, capture_validation_error=invalid)
    if invalid:
        for cell in nb.get("cells", []):
            if cell.get("cell_type") == "code":
                cell["outputs"], cell["execution_count"] = [], None
        nbformat.validate(nb)
    return nb


class TolerantNotebookExporter(NotebookExporter):
    max_notebook_mb = Integer(50, help="Submitted notebooks over this size (MiB) are not read.").tag(config=True)

    def from_file(self, file_stream, resources=None, **kw):
        # the bytes under nbconvert's UTF-8 text stream: a file that is not UTF-8 is still read
        stream = getattr(file_stream, "buffer", file_stream)
        data = stream.read(self.max_notebook_mb * 2**20 + 1)
        nb = read_submission(data, self._release_notebook(resources), self.max_notebook_mb << 20)
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
