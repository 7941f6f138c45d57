"""A cell result: what one autograded test cell of one submission earned, and what its student is told.

This module is the one owner of how a cell result lives in a graded notebook. The engine writes
it as the test cell's outputs (`CellResult.outputs`), by nbgrader's rules for scoring
(`nbgrader.utils.determine_grade`): the first output is an execute_result holding the points, so
that nbgrader records partial credit, with the result as data in its metadata; the messages
follow as an error output, which `nbgrader generate_feedback` shows. After `nbgrader autograde`,
`read_outputs` reads it back from the autograded notebook: the messages from the data (nothing is
parsed back from text), the points from the gradebook.

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

RESULT_KEY = "autograder"  # the key of a test cell's first output's metadata that holds its result
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_SHOWN = 4000


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

    def record(self) -> dict:
        """What the cell's first output holds as data (RESULT_KEY)."""
        return {"messages": list(self.messages), "tests_passed": self.tests_passed,
                "tests_total": self.tests_total, "items": list(self.items)}

    def outputs(self, shown: list[dict] = ()) -> list[dict]:
        """The test cell's outputs: its points, then what the student's code showed (`shown`), then the messages."""
        return [self._score_output(), *shown, *self._failure_output()]

    def _score_output(self) -> dict:
        """The execute_result that nbgrader reads as the cell's points."""
        summary = f"{self.score:g} of {self.max_score:g} points"
        if self.tests_total is not None:
            summary = f"Hidden tests: {self.tests_passed} of {self.tests_total} passed, {summary}"
        return {"output_type": "execute_result", "execution_count": None, "metadata": {RESULT_KEY: self.record()},
                "data": {"text/plain": f"{self.score:g}", "text/html": f"<p>{html.escape(summary)}</p>"}}

    def _failure_output(self) -> list[dict]:
        """The student's messages as an error output, if there are any."""
        if not self.messages:
            return []
        if self.tests_total:
            evalue = f"{self.tests_total - (self.tests_passed or 0)} of {self.tests_total} hidden tests failed"
        else:
            evalue = "not graded"
        return [{"output_type": "error", "ename": FAILURE_NAME, "evalue": evalue,
                 "traceback": [f"- {m}" for m in self.messages]}]


FAILURE_NAME = "Not passed"  # the ename of the error output that lists a cell's messages


def clean(text: str, course: str | Path | None = None) -> str:
    """A message as a person reads it: colours dropped, other control characters escaped, the
    course's folder on the grading machine shown as `.`."""
    text = ANSI.sub("", text)
    if course is not None:
        text = text.replace(str(Path(course).resolve()), ".")
    return printable(text.strip())


def recorded(output) -> dict | None:
    """The result record a test cell's first output holds, if it is well formed."""
    record = output.get("metadata", {}).get(RESULT_KEY) if output.get("output_type") == "execute_result" else None
    if not isinstance(record, dict) or not isinstance(record.get("messages"), list):
        return None
    return record


def read_outputs(result: CellResult, outputs: list, course: str | Path | None = None) -> CellResult:
    """Fill `result` (its points already known) from the outputs of its test cell in a graded notebook."""
    record = recorded(outputs[0]) if outputs else None
    if record is not None:
        result.messages = [clean(m, course) for m in record["messages"] if isinstance(m, str)]
        for name in ("tests_passed", "tests_total"):
            setattr(result, name, record.get(name) if type(record.get(name)) is int else None)
        result.items = [i for i in record.get("items", []) if isinstance(i, str)]
    shown = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "execute_result" and "text/html" in output.get("data", {}):
            shown.append(html.unescape(re.sub(r"<[^>]+>", "", output["data"]["text/html"])))
        elif kind == "stream":
            shown.append(output.get("text", ""))
        elif kind == "error" and not (record is not None and output.get("ename") == FAILURE_NAME):
            result.messages.append(f"{output.get('ename')}: {clean(str(output.get('evalue')), course)}")
    text = "\n".join(clean(part, course) for part in shown + result.messages if part.strip())
    result.shown = text[:MAX_SHOWN] + ("\n... (cut)" if len(text) > MAX_SHOWN else "")
    return result


def messages_in(outputs: list) -> list[str]:
    """The messages a test cell's outputs hold for its student (none if it has no well-formed result)."""
    record = recorded(outputs[0]) if outputs else None
    return [m for m in record["messages"] if isinstance(m, str)] if record is not None else []
