"""Seconds per notebook: stock `nbgrader autograde` against the kit's, on the same generated class.

    .venv/bin/python benchmarks/grading_speed.py [--students 40] [--workers N] [--assignments tensors ...]

It builds two scratch copies of the course and submits the same class to both: each student
hands in every assignment, even-numbered students the reference solution, odd-numbered ones
the blank release notebook. Then, on this machine, one run after the other:

- stock: `nbgrader autograde "*"` (every assignment in one run) with nbgrader's own Execute
  preprocessor (a fresh Jupyter kernel per notebook), configured
  with nothing but the course id. The hidden-test line `grade("...")` of each test cell is
  defined as a no-op in the kernel (an IPython startup file), so stock scores the visible
  checks, which agree with the hidden tests on a reference or a blank notebook;
- kit: the same `nbgrader autograde "*"` with the kit's nbgrader_config.py (sandboxed, pre-warmed workers);
- kit, parallel: `python -m autograder grade-class "*"` with N workers, each one nbgrader run
  over its students' submissions of every assignment.

It prints seconds per notebook for each, the ratios, the peak memory of the largest process of
each run (a grader, a kernel or a student's process) and of the student processes, and checks
that all three runs recorded identical scores. Not a test: it takes minutes.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from autograder.authoring import corpus  # noqa: E402
from autograder.authoring.submissions import Case  # noqa: E402

STOCK_CONFIG = f'''c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "benchmark"
c.CourseDirectory.root = {{root!r}}
'''
DEFINE_GRADE = "def grade(item):\n    \"\"\"The kit's hidden-test marker; a no-op under stock nbgrader.\"\"\"\n"


def build_course(folder: Path, assignments: list[str], students: int, stock: bool) -> Path:
    course = corpus.copy_course(folder)
    if stock:
        (course / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(course)))
    for assignment in assignments:
        corpus.nbgrader(course, "generate_assignment", assignment, "--force")
        for number in range(students):
            base = "reference" if number % 2 == 0 else "release"
            entry = corpus.Entry(assignment, f"s{number:03d}", Case(Path(base), base, {}))
            corpus.write_submission(course, entry)
    return course


def timed(command: list[str], course: Path, env: dict) -> tuple[float, str, float]:
    """(seconds, stderr, peak MiB of the largest process of the run: the grader, a kernel or a worker)."""
    with tempfile.TemporaryFile("w+") as stderr:
        start = time.monotonic()
        process = subprocess.Popen(command, cwd=course, env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)
        _, status, usage = os.wait4(process.pid, 0)  # usage covers every descendant the run waited for
        seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        log = stderr.read()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{log[-3000:]}")
    return seconds, log, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--assignments", nargs="*", default=corpus.assignments())
    args = parser.parse_args()
    notebooks = args.students * len(args.assignments)
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONWARNINGS="ignore")

    with tempfile.TemporaryDirectory(prefix="kit-benchmark-") as scratch:
        scratch = Path(scratch)
        print(f"building a class of {args.students} students x {len(args.assignments)} assignments "
              f"= {notebooks} notebooks ...", flush=True)
        stock = build_course(scratch / "stock", args.assignments, args.students, stock=True)
        kit = build_course(scratch / "kit", args.assignments, args.students, stock=False)
        parallel = scratch / "parallel"
        shutil.copytree(kit, parallel)
        startup = scratch / "ipython" / "profile_default" / "startup"
        startup.mkdir(parents=True)
        (startup / "00-grade.py").write_text(DEFINE_GRADE)

        seconds, peaks = {}, []
        for name, course, command, run_env in [
            ("stock nbgrader", stock, ["nbgrader", "autograde"], dict(env, IPYTHONDIR=str(scratch / "ipython"))),
            ("kit", kit, ["nbgrader", "autograde"], env),
            (f"kit, {args.workers} workers", parallel,
             [sys.executable, "-m", "autograder", "grade-class", "--workers", str(args.workers)], env),
        ]:
            # every assignment in one run ("*")
            total, log, largest = timed([*command, "*", *(["--force"] if "nbgrader" in command else [])],
                                        course, run_env)
            peaks += [float(mib) for mib in re.findall(r"peak memory (\d+) MiB", log)]
            seconds[name] = total
            print(f"  {name:<24} {total:8.1f} s   {total / notebooks:6.3f} s per notebook   "
                  f"largest process {largest:5.0f} MiB", flush=True)

        scores = {name: {a: corpus.gradebook_scores(course, a) for a in args.assignments}
                  for name, course in [("stock", stock), ("kit", kit), ("parallel", parallel)]}
        identical = scores["stock"] == scores["kit"] == scores["parallel"]

    stock_time = seconds["stock nbgrader"]
    print(f"\nspeed-up over stock nbgrader: kit {stock_time / seconds['kit']:.1f}x, "
          f"kit with {args.workers} workers {stock_time / seconds[f'kit, {args.workers} workers']:.1f}x")
    if peaks:
        print(f"peak memory of a student's process (kit): max {max(peaks):.0f} MiB, "
              f"median {sorted(peaks)[len(peaks) // 2]:.0f} MiB over {len(peaks)} notebooks")
    print(f"scores identical in all three runs: {'yes' if identical else 'NO'}")
    return 0 if identical else 1


if __name__ == "__main__":
    sys.exit(main())
