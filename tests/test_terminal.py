"""A student's text reaches terminals and logs with its control characters escaped."""
from __future__ import annotations

import io
import logging
import subprocess
import sys

import nbformat

from autograder.grading.engine import CellTests
from autograder.grading.text import PrintableRecords, PrintableStream, printable
from autograder.results.writers import as_text
from conftest import ROOT

HOSTILE = "\x1b]0;graded\x07\x1b]52;c;cm0gLXJmIH4=\x07\r\x1b[2Kall hidden tests passed\u202e, full marks\x9b"


def _has_control(text: str) -> bool:
    return any(c in text for c in "\x1b\x07\r\u202e\x9b")


def test_printable_escapes_every_control_and_format_character_and_keeps_text():
    shown = printable(HOSTILE)
    assert not _has_control(shown)
    assert shown == "\\x1b]0;graded\\x07\\x1b]52;c;cm0gLXJmIH4=\\x07\\r\\x1b[2Kall hidden tests passed\\u202e, full marks\\x9b"
    assert printable("two\nlines\tand ü ✓") == "two\nlines\tand ü ✓"
    assert printable("two\nlines", newlines=False) == "two\\x0alines"
    assert printable("\ud800") == "\\ud800"  # a lone surrogate no terminal can encode


def test_the_stream_and_the_log_filter_escape_what_they_write():
    out = io.StringIO()
    PrintableStream(out).write(HOSTILE)
    assert not _has_control(out.getvalue()) and "all hidden tests passed" in out.getvalue()
    record = logging.LogRecord("x", logging.WARNING, __file__, 1, "cell %s: %s", ("zeros-check", HOSTILE), None)
    assert PrintableRecords().filter(record)
    assert not _has_control(record.getMessage()) and record.getMessage().startswith("cell zeros-check: ")


def test_the_engine_writes_a_students_messages_escaped():
    grade = CellTests("zeros-check", ["tensors.zeros"], 2.0, notes=[f"make_zeros raised RuntimeError: {HOSTILE}"])
    assert not any(_has_control(m) for m in grade.result().messages)


def test_one_line_per_message_in_the_text_report():
    result = {"notebook": "n.ipynb", "score": 0, "max_score": 2, "cells": [
        {"grade_id": "zeros-check", "score": 0, "max_score": 2, "tests_passed": 0, "tests_total": 1,
         "messages": ["first\nzeros-check  2 / 2 (all hidden tests passed)" + HOSTILE]}]}
    text = as_text(result)
    assert not _has_control(text) and len(text.splitlines()) == 3


def test_the_grade_command_prints_no_control_character_of_a_student(tmp_path):
    nb = nbformat.read(ROOT / "release" / "tensors" / "tensors.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "zeros-answer":
            cell.source = f"def make_zeros(rows, cols):\n    raise RuntimeError({HOSTILE!r})\n"
    path = tmp_path / "tensors.ipynb"
    nbformat.write(nb, path)
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(path),
                          "--source", str(ROOT / "source" / "tensors" / "tensors.ipynb")],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "make_zeros" in run.stdout and "\\x1b]52" in run.stdout
    assert not _has_control(run.stdout)
