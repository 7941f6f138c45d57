"""Progress of an `nbgrader autograde` run: which submission of how many is being graded.

nbgrader logs each submission among many other lines and never says how far a run is. Before each
submission (nbgrader's pre-convert hook, submission_guard.refuse_unsafe_files, calls `starting`;
`finished` is the post-convert hook),
a run on a terminal shows tqdm's bar (done of all, rate, ETA, the student now graded); a run whose
log is not a terminal (a file, formgrader, CI) gets one plain line per submission instead:
"autograde: tensors for bob (3 of 40)". The count is nbgrader's own list of the run's submission
folders (the converter's `assignments`), so skipped ones (already graded, no --force) count as done.

Progress never changes a grade: any failure here is logged and the submission is graded as ever.
"""
from __future__ import annotations

import os
import re
import sys

from tqdm import tqdm

from autograder.grading.text import printable


def starting(converter, notebooks) -> None:
    """Say that `converter` (nbgrader's Autograde) starts grading the submission of `notebooks`."""
    try:
        folders = sorted(getattr(converter, "assignments", None) or {})
        total = len(folders)
        current = os.path.dirname(notebooks[0]) if notebooks else None
        done = next((k for k, folder in enumerate(folders) if os.path.normpath(folder) == current), None)
        who = printable("{} for {}".format(*_names(converter, current))) if current else "?"
        stream = sys.stderr
        if not stream.isatty():
            converter.log.info("autograde: %s (%s of %d)", who[:120], "?" if done is None else done + 1, total)
            return
        bar = getattr(converter, "_kit_progress", None)
        if bar is None:
            bar = tqdm(total=total, desc="autograde", unit="submission", file=stream, dynamic_ncols=True,
                       mininterval=0)
            converter._kit_progress = bar
        if done is not None:
            bar.update(done - bar.n)
        bar.set_postfix_str(who[:60])
    except Exception:  # a progress line must never stop or change grading
        log = getattr(converter, "log", None)
        if log is not None:
            log.debug("progress not shown", exc_info=True)


def _names(converter, folder: str) -> tuple[str, str]:
    """(assignment, student) of a submission folder, as nbgrader's converter parses it."""
    pattern = converter._format_source("(?P<assignment_id>.*)", "(?P<student_id>.*)", escape=True)
    found = re.match(pattern, folder)
    return (found["assignment_id"], found["student_id"]) if found else ("?", "?")


def finished(assignment=None, student=None, notebooks=(), **_) -> None:
    """nbgrader's post-convert hook: the submission of `notebooks` is graded (the bar moves on)."""
    converter = sys._getframe(1).f_locals.get("self")  # nbgrader's run_post_convert_hook passes no converter
    bar = getattr(converter, "_kit_progress", None)
    try:
        if bar is not None:
            bar.update(1)
            if bar.n >= bar.total:
                bar.close()
    except Exception:  # a progress line must never stop or change grading
        converter.log.debug("progress not shown", exc_info=True)
