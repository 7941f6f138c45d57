"""What the gradebook costs a notebook: one `nbgrader autograde SET --force` per set, its opens,
statements and commits counted, and the grading thread's CPU seconds in them.

    .venv/bin/python benchmarks/gradebook_cost.py [--students 10] [--assignments tensors ...] [--runs 2]
        [--kit PATH]

It builds a scratch course as benchmarks/grading_speed.py does (every student hands in the
reference) from the kit at --kit (default: this checkout; another one, e.g. a `git worktree` of an
older commit, gives the "before" of a change, with `PYTHONPATH=PATH` so that its engine is the one
imported), grades it once (the first run records the students), then --runs more times, each in a
fresh process that runs nbgrader's app in-process as the command does. There, SQLAlchemy's event
listeners count the statements (`before_cursor_execute`, every engine) and commits (`after_commit`,
every session), a wrapper counts `Gradebook` opens, and benchmarks/grading_profile.py's timers on
the gradebook (its opens, methods and the session's execute, flush and commit) run on the grading
thread's CPU clock instead of the wall clock, so a loaded machine inflates them less. It prints,
per set and run, per notebook: opens, statements, commits, the gradebook's CPU seconds (and of
them, in the opens: nbgrader's set-up and `check_course`), and the grader process's CPU seconds
(all threads). Not a test: about a minute per set and run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path


def count_child(assignment: str, out: str) -> None:
    """In the course folder: `nbgrader autograde ASSIGNMENT --force` in this process, its gradebook counted."""
    import grading_profile
    from nbgrader import api
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

    counts = {"opens": 0, "statements": 0, "commits": 0}

    def add(name):
        return lambda *args, **kwargs: counts.__setitem__(name, counts[name] + 1)

    event.listen(Engine, "before_cursor_execute", add("statements"))
    event.listen(Session, "after_commit", add("commits"))
    grading_profile.time = types.SimpleNamespace(perf_counter=time.thread_time, process_time=time.process_time)
    profile = grading_profile.Profile()
    grading_profile.instrument_gradebook(profile)  # the timers, on the grading thread's CPU clock
    stock_open = api.Gradebook.__init__

    def counted_open(self, *args, **kwargs):
        counts["opens"] += 1
        return stock_open(self, *args, **kwargs)

    api.Gradebook.__init__ = counted_open
    status = None
    try:
        status = grading_profile.autograde_in_process(assignment)
    finally:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        opens = sum(seconds for step, seconds in profile.seconds.items() if step.endswith("opens"))
        Path(out).write_text(json.dumps({**counts, "gradebook_cpu": sum(profile.seconds.values()), "opens_cpu": opens,
                                         "grader_cpu": usage.ru_utime + usage.ru_stime}))
    sys.exit(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--assignments", nargs="+", default=["tensors"])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--kit", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--child", nargs=2, metavar=("SET", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    kit = args.kit.resolve()
    sys.path[:0] = [str(kit), str(kit / "benchmarks")]
    if args.child:
        return count_child(*args.child)

    os.chdir(kit)  # the course files are copied from the current folder (autograder.authoring.corpus.ROOT)
    from grading_speed import build_course

    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONWARNINGS="ignore", PYTHONPATH=str(kit))
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=kit, capture_output=True,
                            text=True).stdout.strip()
    print(f"kit {kit} at {commit}, {args.students} reference students, load average "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    print("set | run | opens | statements | commits | gradebook CPU s | of it in opens | grader CPU s (per notebook)")
    with tempfile.TemporaryDirectory(prefix="kit-gradebook-") as scratch:
        course = build_course(Path(scratch) / "course", args.assignments, args.students, "reference")
        for assignment in args.assignments:
            for run in range(args.runs + 1):  # run 0 records the students: not the steady state, not shown
                out = Path(scratch) / f"{assignment}-{run}.json"
                child = [sys.executable, str(Path(__file__).resolve()), "--kit", str(kit), "--child", assignment,
                         str(out)]
                result = subprocess.run(child, cwd=course, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
                if result.returncode != 0:
                    raise SystemExit(f"{assignment} failed:\n{result.stderr[-3000:]}")
                if run:
                    got = {name: value / args.students for name, value in json.loads(out.read_text()).items()}
                    print(f"{assignment} | {run} | {got['opens']:.1f} | {got['statements']:.1f} | "
                          f"{got['commits']:.1f} | {got['gradebook_cpu']:.3f} | {got.get('opens_cpu', 0):.3f} | "
                          f"{got['grader_cpu']:.3f}", flush=True)
    print(f"load average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
