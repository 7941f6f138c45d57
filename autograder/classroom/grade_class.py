"""Grading a whole class: every submission of an assignment, across workers and machines.

`grade_class(course, assignment, workers=N, shard=(k, n))` grades the students of
submitted/<student>/<assignment>/ with nbgrader's own `nbgrader autograde`, the kit's engine
plugged in through nbgrader_config.py as always. `assignment` is an assignment id or, as for
`nbgrader autograde`, a glob: "*" grades every assignment in one nbgrader run per worker.

- The students are the sorted ids that have submitted the assignment. Shard k of n (0 <= k < n)
  is every n-th of them starting at the k-th, so n machines (a Slurm array, a Kubernetes indexed
  Job) split a class without talking to each other.
- Each of the N workers is one process (class_worker.py) that grades its part of the shard
  submission by submission through nbgrader's API (`NbGraderAPI.autograde`, which runs
  `nbgrader autograde` for one student and says whether it succeeded), so start-up (imports, the
  sandbox, the hidden tests) is paid once per worker, not once per student or per assignment.
- SQLite gradebook: each worker writes its own copy of the gradebook, and this process merges a
  finished worker's copy into the gradebook with nbgrader's Gradebook API, one writer at a time,
  so no two processes ever write the same SQLite file (gradebook_copies.py). A server gradebook
  (PostgreSQL, any `db_url` that is not sqlite) takes the workers' writes directly.
- Workers: at most one per core the process may run on (usable_cores) and per submission.
- Progress (tqdm: done/total, rate, ETA, failures) counts the API's answers; each worker's log
  (nbgrader's log of every submission) is kept in `logs` when asked for.
"""
from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from autograder.classroom.class_worker import RESULT
from autograder.classroom.gradebook_copies import copy_gradebook, merge_gradebook
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import sqlite_path


def submissions(course: Path, assignment: str) -> list[tuple[str, str]]:
    """The sorted (student, assignment) folders of submitted/ that `assignment` (an id or a glob) names."""
    submitted = Course(course).submissions_folder()
    if not submitted.is_dir():
        return []
    return sorted((student.name, folder.name) for student in submitted.iterdir()
                  if student.is_dir() and not student.name.startswith(".")
                  for folder in student.iterdir() if folder.is_dir() and fnmatch.fnmatchcase(folder.name, assignment))


def students(course: Path, assignment: str) -> list[str]:
    """The sorted ids of the students who submitted `assignment` (an id or a glob)."""
    return sorted({student for student, _ in submissions(course, assignment)})


def parse_shard(text: str) -> tuple[int, int]:
    """'k/n' -> (k, n), with 0 <= k < n."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match or not 0 <= int(match.group(1)) < int(match.group(2)):
        raise ValueError(f"--shard wants k/n with 0 <= k < n (a Slurm or Kubernetes index), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity, which a Slurm or container allocation sets."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def usable_workers(asked: int, submissions: int, cores: int | None = None) -> int:
    """How many workers to start: at most one per submission and one per core (`cores`, default
    usable_cores()). A worker (a grader and its student's process, taking turns) keeps about one core
    busy, and each pays the start-up (imports, the sandbox, the hidden tests), so more workers than
    cores only add start-ups."""
    return max(1, min(asked, submissions, usable_cores() if cores is None else cores))


def split(ids: list[str], k: int, n: int) -> list[str]:
    """Part k of n of `ids`: every n-th id starting at the k-th (the parts are disjoint and cover all)."""
    return sorted(ids)[k::n]


# ----------------------------------------------------------------------------- progress

def progress_bar(total: int, label: str, stream: TextIO):
    """tqdm's bar: done/total, rate and ETA, with the failures so far and the last submission."""
    return tqdm(total=total, desc=label, file=stream, unit="nb", dynamic_ncols=True, mininterval=0,
                postfix={"failures": 0})


# ----------------------------------------------------------------------------- workers

@dataclass
class AutogradeProcess:
    """One worker: a process that autogrades its submissions one by one through nbgrader's API."""
    number: int
    students: list[str]
    submissions: dict[tuple[str, str], str]  # (student, assignment) -> its name in the progress bar
    db_url: str
    log: Path
    returncode: int | None = None
    finished: dict[tuple[str, str], bool] = field(default_factory=dict)  # graded without an nbgrader error
    reasons: dict[tuple[str, str], str] = field(default_factory=dict)  # why each failed one failed


class _Counter:
    """The progress bar and the failures, shared by the workers' threads."""

    def __init__(self, bar):
        self.bar, self.failed, self.lock = bar, [], threading.Lock()

    def finish_one(self, label: str, ok: bool) -> None:
        with self.lock:
            if not ok:
                self.failed.append(label)
            self.bar.set_postfix_str(f"failures={len(self.failed)}, {label} {'graded' if ok else 'FAILED'}",
                                     refresh=False)
            self.bar.update(1)


def run_worker(course: Path, worker: AutogradeProcess, counter: _Counter, force: bool,
               threads: int) -> AutogradeProcess:
    command = [sys.executable, "-m", "autograder.classroom.class_worker", str(course), worker.db_url,
               "1" if force else "0", *(f"{student}/{name}" for student, name in worker.submissions)]
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    env.setdefault("OMP_NUM_THREADS", str(threads))  # N workers share the cores instead of fighting for them
    with open(worker.log, "w") as log:
        log.write("$ " + " ".join(command[:6]) + (" ..." if len(command) > 6 else "") + "\n")
        log.flush()
        process = subprocess.Popen(command, cwd=course, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=log, text=True, errors="replace")
        for line in process.stdout:
            if not line.startswith(RESULT):
                continue
            result = json.loads(line[len(RESULT):])
            key = (result["student"], result["assignment"])
            if key in worker.submissions and key not in worker.finished:
                worker.finished[key] = result["success"] is True
                if not worker.finished[key]:
                    worker.reasons[key] = str(result.get("reason") or "nbgrader gave no reason")
                counter.finish_one(worker.submissions[key], worker.finished[key])
        worker.returncode = process.wait()
    for key, label in worker.submissions.items():  # the worker ended before reporting them (a crash, say)
        if key not in worker.finished:
            worker.finished[key] = False
            worker.reasons[key] = f"its worker ended (exit {worker.returncode}) before grading it"
            counter.finish_one(label, False)
    return worker


@dataclass
class Result:
    assignment: str
    students: list[str]
    failed: list[str]  # as named in the progress bar: the student, or student/assignment for a glob
    seconds: float
    db_url: str
    submissions: int = 0
    reasons: dict[str, str] = field(default_factory=dict)  # failed submission -> why, in a line


def grade_class(course: Path, assignment: str, workers: int = 2, shard: tuple[int, int] = (0, 1),
                db_url: str | None = None, force: bool = True, logs: Path | None = None,
                stream: TextIO = sys.stderr) -> Result:
    """Grade shard `shard` of the class across `workers` nbgrader processes into `db_url`.

    `db_url` defaults to the course's gradebook.db. A SQLite `db_url` that does not exist yet is
    made as a copy of the course's gradebook holding the assignment (a shard's own gradebook,
    merged later with `merge_gradebook`); a server database must already hold the assignment.
    """
    course = Path(course).resolve()
    db_url = db_url or Course(course).db_url
    everyone = students(course, assignment)
    mine = split(everyone, *shard)
    pairs = [(student, name) for student, name in submissions(course, assignment) if student in mine]
    assignments = sorted({name for _, name in pairs})
    label = (lambda student, name: student) if len(assignments) == 1 else (lambda student, name: f"{student}/{name}")
    start = time.monotonic()
    if not mine:
        return Result(assignment, [], [], 0.0, db_url, 0)
    cores = usable_cores()
    asked, workers = workers, usable_workers(workers, len(mine), cores)
    if workers < min(asked, len(mine)):
        print(f"{asked} workers asked for, {workers} cores to run them on: {workers} workers", file=stream)
    parts = [split(mine, i, workers) for i in range(workers)]
    target = sqlite_path(db_url)
    if target is not None and not target.exists():
        copy_gradebook(Course(course).db_url, target, assignments, keep=mine)
    with Gradebook(db_url) as gradebook:
        for name in assignments:
            try:
                gradebook.find_assignment(name)
            except MissingEntry:
                raise ValueError(f"{name} is not in the gradebook {db_url}: "
                                 f"run `nbgrader generate_assignment {name}` with it first")
    scratch = Path(tempfile.mkdtemp(prefix=f"kit-grade-{assignment}-"))
    try:
        log_dir = Path(logs) if logs else scratch
        log_dir.mkdir(parents=True, exist_ok=True)
        pool = []
        for number, part in enumerate(parts):
            worker_url = db_url if target is None else copy_gradebook(db_url, scratch / f"worker-{number}.db",
                                                                      assignments, keep=part)
            pool.append(AutogradeProcess(number, part, {(s, a): label(s, a) for s, a in pairs if s in part}, worker_url,
                               log_dir / f"worker-{number}.log"))
        threads = max(1, cores // workers)  # the allocation's cores, not the whole node's
        bar = progress_bar(len(pairs), assignment + (f" shard {shard[0]}/{shard[1]}" if shard[1] > 1 else ""), stream)
        counter = _Counter(bar)
        with bar, ThreadPoolExecutor(max_workers=workers) as executor:
            futures = [executor.submit(run_worker, course, w, counter, force, threads) for w in pool]
            for future in as_completed(futures):
                worker = future.result()
                if target is not None:  # this process is the gradebook's only writer
                    for name in assignments:
                        merge_gradebook(worker.db_url, db_url, name)
                if worker.returncode != 0:
                    tail = worker.log.read_text(errors="replace").splitlines()[-15:]
                    bar.write(f"worker {worker.number} ({', '.join(worker.students)}) exited "
                              f"{worker.returncode}; the end of its log:\n  " + "\n  ".join(tail), file=stream)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    reasons = {w.submissions[key]: w.reasons.get(key, "") for w in pool for key, ok in w.finished.items() if not ok}
    return Result(assignment, mine, sorted(reasons), time.monotonic() - start, db_url, len(pairs), reasons)
