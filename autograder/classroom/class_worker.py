"""A class worker: one process of a class's grading, in which nbgrader's API autogrades each submission it is given.

    python -m autograder.classroom.class_worker COURSE DB_URL FORCE STUDENT/ASSIGNMENT ...

`NbGraderAPI.autograde` runs `nbgrader autograde` for one student and says whether it succeeded,
with its log. Every call shares this process, so the kit's sandbox, its imports and the hidden
tests' pytest session start once per worker, not once per submission. After each submission one
line `RESULT {"student", "assignment", "success", "reason"}` goes to stdout (what grade_class
counts; the reason of a failure is nbgrader's first error line) and the call's log and any error
to stderr (the worker's log file).
"""
from __future__ import annotations

import itertools
import json
import os
import sys

RESULT = "RESULT "


def main(argv: list[str]) -> int:
    course, db_url, force, *pairs = argv
    os.chdir(course)
    from autograder.grading.run import GradingRun
    GradingRun.instance().start_sandbox()  # before nbgrader's imports: the zygote's imports overlap them
    from autograder.nbgrader.command import api as nbgrader_api

    api = nbgrader_api(course, db_url)
    out = sys.stdout
    sys.stdout = sys.stderr  # only RESULT lines on the real stdout
    for pair in pairs:
        student, assignment = pair.split("/", 1)
        print(f"== autograde {assignment} for {student}", file=sys.stderr, flush=True)
        result = api.autograde(assignment, student, force=force == "1", create=True)
        sys.stderr.write(result.get("log", "") + result.get("error", ""))
        sys.stderr.flush()
        success = result.get("success") is True
        out.write(RESULT + json.dumps({"student": student, "assignment": assignment, "success": success,
                                       "reason": None if success else failure_reason(result)}) + "\n")
        out.flush()
    return 0


def failure_reason(result: dict) -> str:
    """Why nbgrader failed a submission, in a line: its first error that is not its closing summary
    (of a logged traceback, the exception's line)."""
    lines = (result.get("log", "") + "\n" + result.get("error", "")).splitlines()
    for index, line in enumerate(lines):
        message = line.partition("ERROR] ")[2].strip()
        if not message or message.startswith(("There was an error processing", "Please see the")):
            continue
        if message.startswith("Traceback"):
            block = [text.strip() for text in itertools.takewhile(lambda text: not text.startswith("["), lines[index + 1:])]
            message = next((text for text in reversed(block) if text), "")
        if message:
            return message[:300]
    ending = [line.strip() for line in result.get("error", "").splitlines() if line.strip()]
    return (ending[-1] if ending else "nbgrader gave no reason")[:300]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
