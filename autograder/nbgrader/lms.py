"""`nbgrader zip_collect` plugins for the submission zips that Canvas and Moodle download.

    nbgrader zip_collect tensors --collector=autograder.nbgrader.lms.CanvasCollector
    nbgrader zip_collect tensors --collector=autograder.nbgrader.lms.MoodleCollector

The zip goes into downloaded/<assignment>/archive/. File names, as each LMS writes them:
  Canvas  smithjohn_123456_7890123_tensors.ipynb, smithjohn_late_123456_7890123_tensors-1.ipynb
          (sortable name, `late` when Canvas marks it late, user id, submission id, uploaded name)
  Moodle  John Smith_1234567_assignsubmission_file_tensors.ipynb, or the same folder name with the
          uploaded file in it (full name, participant id, uploaded name); the id is `john-smith`.
Neither writes the submission time into the name: give it in downloaded/<assignment>/submission_times.csv
(`student_id,timestamp` lines, e.g. exported from the LMS) and the late policy applies. Every file
that is not collected, and every notebook collected under another name, is logged with the reason;
so is a name whose id, made plain, is not a safe id (c.StudentIds.pattern, autograder/nbgrader/student_ids.py).
"""
from __future__ import annotations

import csv
import os
import re

from nbgrader.plugins import FileNameCollectorPlugin
from nbgrader.utils import find_all_notebooks
from traitlets import Unicode

from autograder.nbgrader.student_ids import StudentIds


class LmsCollector(FileNameCollectorPlugin):
    times_file = Unicode("submission_times.csv", help="student_id,timestamp lines, in downloaded/<assignment>/"
                         ).tag(config=True)

    def student_id(self, raw: str) -> str:
        return re.sub(r"[^a-z0-9]+", "-", raw.lower()).strip("-")

    def released_notebooks(self) -> list[str]:
        coursedir = self.parent.coursedir
        return find_all_notebooks(coursedir.format_path(coursedir.release_directory, ".", coursedir.assignment_id))

    def submission_times(self) -> dict[str, str]:
        app = self.parent
        path = os.path.join(app.coursedir.root, app.downloaded_directory, app.coursedir.assignment_id, self.times_file)
        if not os.path.exists(path):
            return {}
        with open(path, newline="") as handle:
            return {row[0].strip(): row[1].strip() for row in csv.reader(handle) if len(row) >= 2 and row[0] != "student_id"}

    def collect(self, submitted_file: str) -> dict | None:
        folder, relative = os.path.split(submitted_file)
        # Moodle's folder per student reads like its flat file name: "<folder>_<file>".
        candidates = [relative, f"{os.path.basename(folder)}_{relative}"]
        match = next(filter(None, (re.fullmatch(self.named_regexp, name, re.IGNORECASE) for name in candidates)), None)
        if not match:
            self.log.warning("Not collected: %s does not look like a %s submission file name", relative, type(self).__name__)
            return None
        info = match.groupdict()
        info["student_id"] = self.student_id(info["student_id"])
        problem = StudentIds(parent=self).problem(info["student_id"])
        if problem:
            self.log.warning("Not collected: %s: %s", relative, problem)
            return None
        if os.path.splitext(info["file_id"])[1] not in self.valid_ext:
            self.log.warning("Not collected: %s from %s is not a notebook (%s)", info["file_id"], info["student_id"],
                             ", ".join(self.valid_ext))
            return None
        released = self.released_notebooks()
        if info["file_id"] not in released and len(released) == 1:
            self.log.warning("%s uploaded %r: collected as %s", info["student_id"], info["file_id"], released[0])
            info["file_id"] = released[0]
        timestamp = self.submission_times().get(info["student_id"])
        if timestamp:
            info["timestamp"] = timestamp
        elif info.get("late"):
            self.log.warning("%s is marked late by the LMS but has no time in %s: no late penalty applied",
                             info["student_id"], self.times_file)
        return {key: value for key, value in info.items() if value is not None and key != "late"}


class CanvasCollector(LmsCollector):
    named_regexp = Unicode(r"(?P<student_id>[a-z0-9]+)_(?:(?P<late>late)_)?\d+_\d+_(?P<file_id>.+)").tag(config=True)


class MoodleCollector(LmsCollector):
    named_regexp = Unicode(r"(?P<student_id>[^_]+)_\d+_assignsubmission_file_(?P<file_id>.+)").tag(config=True)
