"""nbgrader's exchange as a course graded with the kit uses it: what `collect` takes in, what
`release_feedback` gives out (c.ExchangeFactory in nbgrader_config.py, so formgrader's buttons and
the command line both use them).

The exchange's `inbound` folder is writable by every student (mode 733): a student can make a
submission folder there by hand, under any name, holding anything. nbgrader's own collect copies
it following every link, as the instructor (a notebook that links to the source notebook arrives
as a plain copy of it), trusts the id in the folder's name (it only warns when another user owns
the folder) and fails the whole run on a name it cannot parse. `KitCollect` instead:
- refuses, with a line in the log, a folder whose name is not `<student>+<assignment>+<time>`, whose
  id is not a safe one (student_ids.py), that is not a folder (a link), or, with
  c.ExchangeCollect.check_owner (on by default: the setting of a hub, where each student is a user
  of the machine), that its student does not own; the run goes on with the next;
- copies the folder through grading/submission_files.py: regular files only, each read once,
  never through a link, within c.Limits.files_mb; a link, device, FIFO or copy of a course file (but
  the release's, which the student was given) is left out with a line in the log; so is a file with
  the name of a feedback page;
- writes, for each notebook of the release that it did not take, the release notebook marked with
  the reason, which the kit grades 0 with that reason (no earlier grade stays);
- records the submission's time in `timestamp.txt`: the student's, read bounded, where it is a
  time, else the time in the folder's name, which collect chose the submission by.

`KitReleaseFeedback` publishes, for each student, only the page `generate_feedback` made for each
notebook of the assignment in the gradebook (`<notebook>.html`), a regular file read without
following a link, under the name nbgrader's fetch_feedback looks for; any other file of the
feedback folder (a student's `answers.html`) stays where it is, with a line in the log.
"""
from __future__ import annotations

import datetime
import fnmatch
import glob
import os
import pwd
import re
import shutil
import stat
from collections import defaultdict

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from nbgrader.utils import check_mode, find_all_notebooks, notebook_hash, parse_utc

from autograder.grading.submission_files import (
    NotARegularFile, Refused, digest, read_regular_file, read_submission, write_files,
)
from autograder.grading.submitted_notebook import unreadable_notebook
from autograder.grading.text import printable
from autograder.nbgrader.student_ids import StudentIds
from autograder.nbgrader.submission_guard import course_digests, notebook_digests, read_timestamp, timestamp_problem
from autograder.sandbox import Limits

TIMESTAMP = "timestamp.txt"
SECRET = "submission_secret.txt"
MAX_TIMESTAMP_BYTES = 100
MAX_SECRET_BYTES = 1024  # nbgrader's submit writes 128 hex digits
MAX_PAGE_BYTES = 64 << 20


def _user_name(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid {uid}"


def _kind(mode: int) -> str:
    return "a link, which is not followed" if stat.S_ISLNK(mode) else "not a folder"


class KitCollect(ExchangeCollect):
    """nbgrader's collect, taking in only safe ids, their own students' folders and regular files."""

    def init_src(self):
        if self.coursedir.course_id == "":
            self.fail("No course id specified. Re-run with --course flag.")
        self.course_path = os.path.join(self.root, self.coursedir.course_id)
        self.inbound_path = os.path.join(self.course_path, "inbound")
        for folder in (self.course_path, self.inbound_path):
            self._check_exchange_folder(folder)
        if not check_mode(self.inbound_path, read=True, execute=True):
            self.fail("You don't have read permissions for the directory: {}".format(self.inbound_path))
        student = self.coursedir.student_id or "*"
        pattern = os.path.join(self.inbound_path, "{}+{}+*".format(student, self.coursedir.assignment_id))
        records = []
        for path in sorted(glob.glob(pattern)):
            record, problem = self._record(path)
            if problem:
                self.log.warning("Not collected: %s: %s", printable(os.path.basename(path), newlines=False), problem)
            else:
                records.append(record)
        by_student = defaultdict(list)
        for record in records:
            by_student[record["username"]].append(record)
        self.duedate = self._duedate()
        self.src_records = []
        for found in by_student.values():
            found = self._sort_by_timestamp(found)
            if self.duedate is not None and self.before_duedate:
                found = [r for r in found if r["timestamp"] <= self.duedate] or found
            self.src_records.append(found[0])

    def _duedate(self):
        with Gradebook(self.coursedir.db_url, self.coursedir.course_id) as gb:
            try:
                return gb.find_assignment(self.coursedir.assignment_id).duedate
            except MissingEntry:
                return None

    def _check_exchange_folder(self, folder: str) -> None:
        """The course's folders in the exchange are the instructor's own folders, not a student's link."""
        try:
            info = os.lstat(folder)
        except OSError:
            self.fail("Course not found: {}".format(folder))
        if not stat.S_ISDIR(info.st_mode):
            self.fail(f"{folder} is {_kind(info.st_mode)}: the exchange is not as nbgrader made it")
        if self.check_owner and not self.coursedir.groupshared and info.st_uid not in (os.geteuid(), 0):
            self.fail(f"{folder} is owned by {_user_name(info.st_uid)}, not by you: the exchange is not as "
                      "nbgrader made it")

    def _record(self, path: str) -> tuple[dict | None, str | None]:
        """The submission that the inbound folder at `path` is, or why it is not collected."""
        name = os.path.basename(path)
        parts = name.rsplit("+", 3)
        if len(parts) < 3 or parts[1] != self.coursedir.assignment_id:
            return None, f"its name is not <student>+{self.coursedir.assignment_id}+<time>"
        student, when = parts[0], parts[2]
        problem = StudentIds(parent=self).problem(student)
        if problem:
            return None, problem
        try:
            timestamp = parse_utc(when)
        except Exception:  # dateutil's many errors: the name is the student's text
            return None, f"the time in its name ({printable(when[:60], newlines=False)!r}) is not a time"
        try:
            info = os.lstat(path)
        except OSError as exc:
            return None, f"it cannot be read ({exc.strerror or exc})"
        if not stat.S_ISDIR(info.st_mode):
            return None, f"it is {_kind(info.st_mode)}"
        if self.check_owner:
            owner = _user_name(info.st_uid)
            if owner != student:
                return None, (f"it is owned by {owner}, not by {student}: a submission is collected only from "
                              "its student's own folder (c.ExchangeCollect.check_owner)")
        return {"username": student, "filename": name, "timestamp": timestamp}, None

    def copy_files(self):
        if not self.src_records:
            self.log.warning("No submissions of '%s' for course '%s' to collect", self.coursedir.assignment_id,
                             self.coursedir.course_id)
        else:
            self.log.info("Processing %d submissions of '%s' for course '%s'", len(self.src_records),
                          self.coursedir.assignment_id, self.coursedir.course_id)
        for record in self.src_records:
            student = record["username"]
            src_path = os.path.join(self.inbound_path, record["filename"])
            dest_path = self.coursedir.format_path(self.coursedir.submitted_directory, student,
                                                   self.coursedir.assignment_id)
            os.makedirs(os.path.dirname(dest_path), exist_ok=True)
            updating = os.path.isdir(dest_path)
            if updating:
                existing = read_timestamp(dest_path)  # bounded; never fails the run
                newer = self.update and (existing is None or record["timestamp"] > existing)
                if not (newer or (self.before_duedate and existing != record["timestamp"])):
                    self.log.info("%s: %s %s", "No newer submission to collect" if self.update else
                                  "Submission already exists, use --update to update", student,
                                  self.coursedir.assignment_id)
                    continue
            files = self.submission_files(src_path, record)
            if files is None:
                continue
            self.log.info("%s submission: %s %s", "Updating" if updating else "Collecting", student,
                          self.coursedir.assignment_id)
            if updating:
                shutil.rmtree(dest_path)
            write_files(files, dest_path)

    def submission_files(self, src_path: str, record: dict) -> dict[str, bytes] | None:
        """{name: bytes} to write into submitted/, or None when the folder cannot be read at all."""
        student = record["username"]
        coursedir = self.coursedir
        # a copy of a file of the release is what the student was given (an unedited notebook is worth 0 by
        # the usual rules); of any other course file, it is not the student's work
        taken = read_submission(src_path, Limits(parent=self).files_mb << 20,
                                course_digests=notebook_digests(coursedir, self.config))
        if any(refused.name == "." for refused in taken.refused):
            self.log.warning("Not collected: %s: %s", printable(record["filename"], newlines=False),
                             next(r.reason for r in taken.refused if r.name == "."))
            return None
        files, refused = {}, list(taken.refused)
        released = self.released_notebooks()
        pages = {os.path.splitext(name)[0] + ".html" for name in released}
        for name, data in taken.files.items():
            if _ignored(name, coursedir.ignore):
                continue
            if name in pages:
                refused.append(Refused(name, "it has the name of the feedback page of a notebook"))
            elif name == SECRET and _secret_problem(data) is not None:
                refused.append(Refused(name, _secret_problem(data)))
            elif name != TIMESTAMP:
                files[name] = data
        files[TIMESTAMP] = self._timestamp(taken.files.get(TIMESTAMP), record, src_path).encode()
        for entry in refused:
            self.log.warning("Not collected from %s's submission: %s", student, printable(str(entry), newlines=False))
        for name in released:
            if name not in files:
                why = next((entry.reason for entry in refused if entry.name == name), "it is not in the submission")
                files[name] = self._marked_release(name, f"{name} was not collected: {why}")
                self.log.warning("%s's %s is graded as the release notebook: %s", student, name, printable(why))
        return files

    def released_notebooks(self) -> list[str]:
        coursedir = self.coursedir
        return find_all_notebooks(coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id))

    def _marked_release(self, name: str, reason: str) -> bytes:
        coursedir = self.coursedir
        release = os.path.join(coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id), name)
        return nbformat.writes(unreadable_notebook(release, reason)).encode()

    def _timestamp(self, data: bytes | None, record: dict, src_path: str) -> str:
        """The submission's time as collect records it: the student's timestamp.txt where it is a time,
        else the time in the folder's name (said in the log); never earlier than CLAIM_SLACK before the
        submission's files last changed, a time the student cannot set (st_ctime)."""
        problem = "there is none" if data is None else timestamp_problem(data[:MAX_TIMESTAMP_BYTES + 1])
        if problem is None and data.strip():
            claimed = parse_utc(data.decode("utf-8").strip())
        else:
            self.log.warning("%s's timestamp.txt is not used (%s): the submission's time is the one in its folder's "
                             "name, %s", record["username"], problem or "it is empty", record["timestamp"])
            claimed = record["timestamp"]
        changed = last_change(src_path)
        if changed is not None and claimed < changed - CLAIM_SLACK:
            self.log.warning("%s's submission says it was made at %s, but its files last changed at %s: that time "
                             "is recorded", record["username"], claimed, changed)
            return str(changed)
        return str(claimed)


# An honest submit writes its time, then copies the files: they change a moment after the time it claims.
CLAIM_SLACK = datetime.timedelta(seconds=60)


def last_change(folder: str) -> datetime.datetime | None:
    """When anything in `folder` last changed (the latest st_ctime, links not followed), in UTC, naive as
    nbgrader's times are; None if it cannot be read."""
    try:
        latest = os.lstat(folder).st_ctime
        for top, folders, names in os.walk(folder):  # os.walk does not follow links to folders
            for name in folders + names:
                latest = max(latest, os.lstat(os.path.join(top, name)).st_ctime)
    except OSError:
        return None
    return datetime.datetime.fromtimestamp(latest, datetime.timezone.utc).replace(tzinfo=None)


def _ignored(name: str, patterns) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in name.split("/") for pattern in patterns)


def _secret_problem(data: bytes) -> str | None:
    if not data or len(data) > MAX_SECRET_BYTES or not re.fullmatch(rb"[0-9A-Za-z_-]+", data.strip()):
        return "it is not a submission secret as nbgrader's submit writes one"
    return None


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
        return None if _secret_problem(data) else data.decode("ascii")

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
