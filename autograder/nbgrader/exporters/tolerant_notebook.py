"""TolerantNotebookExporter reads submissions for `nbgrader autograde`: a file that is not a readable
notebook, or one that nbgrader's steps still fail on, becomes the release notebook marked with the
reason, so the student is graded 0 with it instead of nbgrader keeping an older grade."""
from __future__ import annotations

import datetime
import os

import nbformat
from nbconvert.exporters import NotebookExporter

from autograder.grading.cells import UNREADABLE_KEY
from autograder.grading.submitted_notebook import read_submitted_file, read_submitted_notebook
from autograder.grading.text import printable
from autograder.nbgrader.converter import converter_course, release_notebook
from autograder.nbgrader.submission_guard import notebook_digests
from autograder.sandbox import Limits


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
