"""A grading run's fixed cost, side by side: one `nbgrader autograde SET --force` of one reference student,
the engine of one git revision against another's (or the working tree's), the two courses taking turns.

    .venv/bin/python benchmarks/fixed_cost.py --before c404fff [--after REV] [--sets tensors ann training] [--runs 5]

Both courses are built as benchmarks/grading_speed.py's build_course builds them; each named revision
gives its course its autograder/ and nbgrader_config.py. Prints, per set and engine, the medians of wall
seconds and of CPU seconds (the grader and the processes it waited for), and whether the scores agree.
Not a test.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from autograder.authoring import corpus  # noqa: E402
from grading_speed import build_course  # noqa: E402

NBGRADER = str(Path(sys.executable).parent / "nbgrader")


def one_run(course: Path, assignment: str) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one `nbgrader autograde ASSIGNMENT --force` in `course`."""
    start = time.monotonic()
    process = subprocess.Popen([NBGRADER, "autograde", assignment, "--force"], cwd=course,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"nbgrader autograde {assignment} failed in {course}")
    return time.monotonic() - start, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", required=True, help="the git revision whose engine is measured against the working tree's")
    parser.add_argument("--after", help="the git revision measured (default: the working tree)")
    parser.add_argument("--sets", nargs="+", default=["tensors", "ann", "training"])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fixed-cost-") as scratch:
        after = build_course(Path(scratch) / "after", args.sets, 1, "reference")
        before = Path(scratch) / "before"
        shutil.copytree(after, before)
        for course, revision in ((before, args.before), (after, args.after)):
            if revision:
                shutil.rmtree(course / "autograder")
                archive = subprocess.run(["git", "archive", revision, "autograder", "nbgrader_config.py"], cwd=ROOT,
                                         capture_output=True, check=True).stdout
                subprocess.run(["tar", "-x", "-C", str(course)], input=archive, check=True)
        print(f"load average {os.getloadavg()}")
        print("| set | engine | wall (median) | CPU (median) | scores |\n|---|---|---|---|---|")
        for assignment in args.sets:
            times = {name: [] for name in ("before", "after")}
            for _ in range(args.runs):
                for name, course in (("before", before), ("after", after)):
                    times[name].append(one_run(course, assignment))
            same = corpus.gradebook_scores(before, assignment) == corpus.gradebook_scores(after, assignment)
            for name, runs in times.items():
                print(f"| {assignment} | {name} | {statistics.median(w for w, _ in runs):.2f} s | "
                      f"{statistics.median(c for _, c in runs):.2f} s | {'same' if same else 'DIFFER'} |", flush=True)
        print(f"load average {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
