"""KitCollect: nbgrader's collect as the kit runs it.

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
"""
from __future__ import annotations

import datetime
import fnmatch
import glob
import os
import pwd
import shutil
import stat
from collections import defaultdict

import nbformat
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.utils import check_mode, find_all_notebooks, parse_utc

from autograder.grading.submission_files import Refused, read_submission, write_files
from autograder.grading.submitted_notebook import unreadable_notebook
from autograder.grading.text import printable
from autograder.nbgrader.exchange.submission_secret import SECRET, secret_problem
from autograder.nbgrader.student_ids import StudentIds
from autograder.nbgrader.submission_guard import notebook_digests, read_timestamp, timestamp_problem
from autograder.sandbox import Limits

TIMESTAMP = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 100


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
            elif name == SECRET and secret_problem(data) is not None:
                refused.append(Refused(name, secret_problem(data)))
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
