"""One worker of a class's grading: nbgrader's API autogrades each submission it is given, in one process.

    python -m autograder.classroom.autograde_worker COURSE DB_URL FORCE STUDENT/ASSIGNMENT ...

`NbGraderAPI.autograde` runs `nbgrader autograde` for one student and says whether it succeeded,
with its log. Every call shares this process, so the kit's sandbox, its imports and the hidden
tests' pytest session start once per worker, not once per submission. After each submission one
line `RESULT {"student", "assignment", "success"}` goes to stdout (what grade_class counts) and
the call's log and any error to stderr (the worker's log file).
"""
from __future__ import annotations

import json
import os
import sys

RESULT = "RESULT "


def main(argv: list[str]) -> int:
    course, db_url, force, *pairs = argv
    os.chdir(course)
    # The sandbox starts first, with the default limits, so that its imports (torch, IPython,
    # matplotlib) overlap nbgrader's own; if the course's c.Limits.disk_mb differs, the first
    # notebook restarts it (see sandbox.zygote).
    from autograder import sandbox
    sandbox.zygote(sandbox.Limits())
    from nbgrader.apps.api import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=course).load_config()
    config.CourseDirectory.root = course
    config.CourseDirectory.db_url = db_url
    api = NbGraderAPI(CourseDirectory(config=config), config=config)
    out = sys.stdout
    sys.stdout = sys.stderr  # only RESULT lines on the real stdout
    for pair in pairs:
        student, assignment = pair.split("/", 1)
        print(f"== autograde {assignment} for {student}", file=sys.stderr, flush=True)
        result = api.autograde(assignment, student, force=force == "1", create=True)
        sys.stderr.write(result.get("log", "") + result.get("error", ""))
        sys.stderr.flush()
        out.write(RESULT + json.dumps({"student": student, "assignment": assignment,
                                       "success": result.get("success") is True}) + "\n")
        out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
