"""Which student ids the course takes in: one pattern, checked wherever an id comes from a student.

An id names folders (`submitted/<id>/`, the exchange's `<id>+<assignment>+<time>`), gradebook rows
and formgrader's pages, whose templates put it into scripts unescaped (`var student_id = "{{ student_id }}"`).
Ids come from the exchange's inbound folder names (the exchange's collect, autograder/nbgrader/exchange/collect.py)
and from the LMS file names of `zip_collect` (autograder/nbgrader/lms.py); both refuse an id outside
`c.StudentIds.pattern` with a line in the log.
"""
from __future__ import annotations

import re

from traitlets import Unicode
from traitlets.config import Configurable

from autograder.grading.text import printable


class StudentIds(Configurable):
    pattern = Unicode(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}",
                      help="A student id the course takes in, as a regular expression the whole id must match: "
                           "letters, digits, '.', '_' and '-', no quote, slash, '+' or space").tag(config=True)

    def problem(self, student_id: str) -> str | None:
        """Why `student_id` is not taken in, or None."""
        if re.fullmatch(self.pattern, student_id):
            return None
        shown = printable(student_id[:80] + ("..." if len(student_id) > 80 else ""), newlines=False)
        return f"the student id {shown!r} is not a safe id (c.StudentIds.pattern: {self.pattern})"
