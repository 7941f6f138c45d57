"""A cell result: what one autograded test cell of one submission earned, and what its student is told.

This module is the one owner of how a cell result lives in a graded notebook. The engine writes
it once, as the test cell's first output (`CellResult.outputs`), an execute_result that holds:

- `text/plain`: the points, which nbgrader reads as the cell's partial credit
  (`nbgrader.utils.determine_grade` scores a code cell by its first execute_result);
- `text/html`: the summary people see ("Hidden tests: 1 of 2 passed, 0.5 of 1 points");
- RECORD_TYPE: the result as data (`CellResult.record`): messages, tests passed, hidden-test
  items and the text the student's code printed in the cell.

Then come what the student's code printed and the messages as an error output, which
`nbgrader generate_feedback` and formgrader show. Every reader takes the record as it is
(`read_outputs`, `messages_in`, `record_in`) and the points from nbgrader's gradebook; nothing
is parsed back from text or HTML.

Why an output's data: the grader writes every code cell's outputs of a graded notebook (the
student's outputs keep only text and pictures, autograder/grading/engine.py), so the first output
of a test cell is the grader's alone; nbgrader keeps an output's data through autograde,
feedback and formgrader (its ClearMetadataPreprocessor empties code cells' metadata), and
nbconvert renders only the mimetypes it knows, so the record is never shown as such. A record
is read only from a test cell's first output, and checked: a missing or malformed one gives
the cell a message saying so, and the cell keeps the points nbgrader recorded.

Only what a student may see is kept: the kit's messages, the name and message of any other error
(never its traceback, which could show test code) and printed output; the course's path on the
grading machine is removed.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from autograder.grading.text import printable

RECORD_TYPE = "application/vnd.autograder.cell-result+json"  # the mimetype of a test cell's result record
RECORD_VERSION = 1
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_SHOWN = 4000  # characters of a cell's text in the reports
# Bounds of a record; the writer cuts to them, a reader refuses a record beyond them.
MAX_MESSAGES, MAX_MESSAGE_CHARS = 100, 8000
MAX_ITEMS, MAX_ITEM_CHARS = 500, 300
MAX_TESTS = 100_000
CUT = " … (cut)"
FAILURE_NAME = "Not passed"  # the ename of the error output that lists a cell's messages


class RecordError(ValueError):
    """A test cell's outputs hold no well-formed result record; says why."""


@dataclass
class CellResult:
    """One autograded test cell of one submission."""

    grade_id: str
    score: float
    max_score: float
    messages: list[str] = field(default_factory=list)  # why points were lost, as the student reads it
    tests_passed: int | None = None  # of the cell's hidden tests; None where unknown
    tests_total: int | None = None
    items: list[str] = field(default_factory=list)  # the hidden-test items the cell names
    notebook: str = ""
    shown: str = ""  # everything the student sees in the cell, as text
    printed: str = ""  # what the student's code printed in the cell

    def record(self) -> dict:
        """The result as data (RECORD_TYPE), within the bounds a reader accepts."""
        return {"version": RECORD_VERSION, "messages": self._bounded_messages(),
                "tests_passed": self.tests_passed, "tests_total": self.tests_total,
                "items": [_cut(i, MAX_ITEM_CHARS) for i in self.items[:MAX_ITEMS]],
                "printed": _cut(self.printed, MAX_SHOWN)}

    def summary(self) -> str:
        """The line people read for the cell: its hidden tests passed, where known, and its points."""
        text = f"{self.score:g} of {self.max_score:g} points"
        if self.tests_total is not None:
            text = f"Hidden tests: {self.tests_passed} of {self.tests_total} passed, {text}"
        return text

    def outputs(self, shown: list[dict] = ()) -> list[dict]:
        """The test cell's outputs: its points and record, then what the student's code showed
        (`shown`), then the messages."""
        self.printed = "\n".join(o["text"] for o in shown
                                 if o.get("output_type") == "stream" and o.get("text", "").strip())
        score = {"output_type": "execute_result", "execution_count": None, "metadata": {},
                 "data": {"text/plain": f"{self.score:g}", "text/html": f"<p>{html.escape(self.summary())}</p>",
                          RECORD_TYPE: self.record()}}
        return [score, *shown, *self._failure_output()]

    def _bounded_messages(self) -> list[str]:
        messages = [_cut(m, MAX_MESSAGE_CHARS) for m in self.messages[:MAX_MESSAGES]]
        if len(self.messages) > MAX_MESSAGES:
            messages[-1] = f"... and {len(self.messages) - MAX_MESSAGES + 1} more messages"
        return messages

    def _failure_output(self) -> list[dict]:
        """The student's messages as an error output, if there are any."""
        if not self.messages:
            return []
        if self.tests_total:
            evalue = f"{self.tests_total - (self.tests_passed or 0)} of {self.tests_total} hidden tests failed"
        else:
            evalue = "not graded"
        return [{"output_type": "error", "ename": FAILURE_NAME, "evalue": evalue,
                 "traceback": [f"- {m}" for m in self._bounded_messages()]}]


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - len(CUT)] + CUT


def clean(text: str, course: str | Path | None = None) -> str:
    """A message as a person reads it: colours dropped, other control characters escaped, the
    course's folder on the grading machine shown as `.`."""
    text = ANSI.sub("", text)
    if course is not None:
        text = text.replace(str(Path(course).resolve()), ".")
    return printable(text.strip())


def _strings(value, count: int, chars: int, name: str) -> list[str]:
    if type(value) is not list or len(value) > count:
        raise RecordError(f"its {name} are not a list of at most {count}")
    if any(type(v) is not str or len(v) > chars for v in value):
        raise RecordError(f"one of its {name} is not a text of at most {chars} characters")
    return list(value)


def record_in(outputs) -> dict:
    """The result record of a test cell, from its outputs (the first one), checked and bounded:
    RecordError, saying why, if there is no well-formed one."""
    first = outputs[0] if type(outputs) is list and outputs else None
    data = first.get("data") if hasattr(first, "get") and first.get("output_type") == "execute_result" else None
    record = data.get(RECORD_TYPE) if hasattr(data, "get") else None
    if record is None:
        raise RecordError("the test cell holds no result record of the grader")
    if not hasattr(record, "get") or record.get("version") != RECORD_VERSION:
        raise RecordError(f"its result record is not a version {RECORD_VERSION} record")
    passed, total = record.get("tests_passed"), record.get("tests_total")
    if (passed, total) != (None, None) and not (
            type(passed) is int and type(total) is int and 0 <= passed <= total <= MAX_TESTS):
        raise RecordError("its result record's test counts are not two whole numbers, passed of total")
    printed = record.get("printed")
    if type(printed) is not str or len(printed) > MAX_SHOWN:
        raise RecordError(f"its result record's printed text is not a text of at most {MAX_SHOWN} characters")
    return {"version": RECORD_VERSION, "tests_passed": passed, "tests_total": total, "printed": printed,
            "messages": _strings(record.get("messages"), MAX_MESSAGES, MAX_MESSAGE_CHARS, "messages"),
            "items": _strings(record.get("items"), MAX_ITEMS, MAX_ITEM_CHARS, "hidden-test items")}


def read_outputs(result: CellResult, outputs, course: str | Path | None = None) -> CellResult:
    """Fill `result` (its points already known, from the gradebook) from the record in the outputs
    of its test cell in a graded notebook; a message saying why, if it has none that is well formed."""
    try:
        record = record_in(outputs)
    except RecordError as unreadable:
        result.messages = [f"not graded: {unreadable} (instructor: grade the submission again)"]
        result.tests_passed = result.tests_total = None
        result.items, result.printed = [], ""
    else:
        result.messages = [clean(m, course) for m in record["messages"]]
        result.tests_passed, result.tests_total = record["tests_passed"], record["tests_total"]
        result.items, result.printed = record["items"], clean(record["printed"], course)
    text = "\n".join(part for part in [result.summary(), result.printed, *result.messages] if part.strip())
    result.shown = text[:MAX_SHOWN] + ("\n... (cut)" if len(text) > MAX_SHOWN else "")
    return result


def messages_in(outputs) -> list[str]:
    """The messages a test cell's outputs hold for its student (none if it has no well-formed record)."""
    try:
        return record_in(outputs)["messages"]
    except RecordError:
        return []
