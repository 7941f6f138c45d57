"""KitReleaseFeedback: nbgrader's release_feedback as the kit runs it.

It publishes, for each student, only the page `generate_feedback` made for each
notebook of the assignment in the gradebook (`<notebook>.html`), a regular file read without
following a link, under the name nbgrader's fetch_feedback looks for; any other file of the
feedback folder (a student's `answers.html`) stays where it is, with a line in the log.
"""
from __future__ import annotations

import glob
import os
import stat

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import notebook_hash

from autograder.grading.submission_files import NotARegularFile, digest, read_regular_file
from autograder.grading.text import printable
from autograder.nbgrader.exchange.submission_secret import MAX_SECRET_BYTES, SECRET, secret_problem
from autograder.nbgrader.student_ids import StudentIds
from autograder.nbgrader.submission_guard import course_digests

MAX_PAGE_BYTES = 64 << 20


class KitReleaseFeedback(ExchangeReleaseFeedback):
    """nbgrader's release_feedback, publishing only the feedback pages of the assignment's notebooks."""

    def copy_files(self):
        coursedir = self.coursedir
        excluded = set(filter(None, coursedir.student_id_exclude.split(",")))
        notebooks = self.graded_notebooks()
        course = course_digests(coursedir, self.config)
        for folder in sorted(glob.glob(self.src_path)):
            student = os.path.basename(os.path.dirname(folder))
            if student in excluded or not os.path.isdir(folder):
                continue
            problem = StudentIds(parent=self).problem(student)
            if problem:
                self.log.warning("No feedback released from %s: %s", printable(folder, newlines=False), problem)
                continue
            secret = self._secret(folder)
            for name in sorted(os.listdir(folder)):
                if name.endswith(".html") and name[:-len(".html")] not in notebooks:
                    self.log.warning("Not released: %s of %s: it is not the feedback page of a notebook of %s",
                                     printable(name, newlines=False), student, coursedir.assignment_id)
            for notebook in notebooks:
                page = os.path.join(folder, notebook + ".html")
                if not os.path.lexists(page):
                    continue
                try:
                    data = read_regular_file(page, MAX_PAGE_BYTES)
                except NotARegularFile as exc:
                    self.log.warning("Not released: %s of %s: %s", notebook + ".html", student, exc)
                    continue
                if course.get(digest(data)) or secret is None:
                    why = "it is a copy of a course file" if secret is not None else \
                        f"the submission has no {SECRET} as nbgrader's submit writes one"
                    self.log.warning("Not released: %s of %s: %s", notebook + ".html", student, why)
                    continue
                self.publish(data, notebook_hash(secret=secret, notebook_id=notebook))
                self.log.info("Releasing feedback for student '%s' on assignment '%s/%s/%s'", student,
                              coursedir.course_id, coursedir.assignment_id, notebook)

    def graded_notebooks(self) -> list[str]:
        """The names of the assignment's notebooks in the gradebook."""
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                return [notebook.name for notebook in gb.find_assignment(self.coursedir.assignment_id).notebooks]
            except MissingEntry:
                self.fail(f"No assignment {self.coursedir.assignment_id} in the gradebook")

    def _secret(self, folder: str) -> str | None:
        try:
            data = read_regular_file(os.path.join(folder, SECRET), MAX_SECRET_BYTES)
        except NotARegularFile:
            return None
        return None if secret_problem(data) else data.decode("ascii")

    def publish(self, data: bytes, checksum: str) -> None:
        """The page as <checksum>.html in the exchange's feedback folder, replaced at once (a new file, renamed)."""
        info = os.lstat(self.dest_path)
        if not stat.S_ISDIR(info.st_mode) or (not self.coursedir.groupshared and info.st_uid != os.geteuid()):
            self.fail(f"{self.dest_path} is not a folder of yours: the exchange is not as nbgrader made it")
        temporary = os.path.join(self.dest_path, f"{checksum}-tmp.html")
        if os.path.lexists(temporary):
            os.unlink(temporary)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)  # whatever the umask: the student reads it
        os.replace(temporary, os.path.join(self.dest_path, f"{checksum}.html"))
