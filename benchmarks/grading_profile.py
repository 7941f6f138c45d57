"""Where a notebook's time goes: one `nbgrader autograde SET` per set, step by step, against the floor.

    .venv/bin/python benchmarks/grading_profile.py [--students 10 40] [--kinds reference]
        [--assignments tensors ...] [--markdown FILE] [--json FILE]

For each class size and kind of submission it builds a scratch course as benchmarks/grading_speed.py
does, then for each set:

- profile: a fresh process runs `nbgrader autograde SET --force` in-process (nbgrader's own
  `NbGraderApp` with the course's nbgrader_config.py, argv as the command's, so the sandbox starts
  early as it does there) with timers wrapped around methods from the outside; the engine is not
  changed. Each timer counts its own time only (time spent in a timed call inside it goes to that
  call's step), in the grading thread. The steps:
  nbgrader's converter (init_destination, init_assignment's lookups and file copies, the hooks,
  set_permissions), each preprocessor of the sanitizing pass and of the autograde pass by class,
  each pass's read, check and write of the notebook; the gradebook (`nbgrader.api.Gradebook`'s
  opens, and its methods with SQLAlchemy's execute, flush and commit); the sandbox (the first
  student process's start, which waits for the zygote, then each later fork, and each end); the
  student's cells (a cell whose outputs hold an image counts as a plot cell); each hidden test
  class (`HiddenTests.run`, the grader waiting for that cell's tests, and of it the time the tests'
  thread waited on the student's process); the kit engine's own rest. Start-up, imports and exit
  are the process's wall time that no step holds.
- floor, once per set: a fresh process imports torch and matplotlib (backend Agg) and sets torch to
  one thread, as the student's process is; then it runs the submitted notebook's code cells (test
  cells without their hidden region) with `exec`, in a fresh namespace per notebook, once to warm
  up and then FLOOR_RUNS times, timing each cell (wall and CPU); a figure is never drawn (Agg, no
  savefig; every figure is closed after its cell) and a cell that left a figure open counts as a
  plot cell.

It prints, per class size, seconds per notebook of each step by set with the floor and CPU rows
(the grader's process, the student processes as they ended, the floor), each step's seconds in the
first notebook against the median later one, a table of the hidden test classes, and the load
average before and after; --markdown writes the same, --json the raw timings. Not a test: about
15 minutes for 10 students on a busy 2-core machine, about three times that for 40.
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

# The table's groups, in this order; a step's label is "<group>: <name>".
GROUPS = ["start-up", "nbgrader", "sanitizing", "autograde pass", "gradebook", "sandbox", "student", "hidden tests",
          "kit engine"]
SANITIZING, AUTOGRADING = "sanitizing", "autograde pass"
FLOOR_RUNS = 3  # timed runs of a notebook's code for its floor, after one that warms up


class Profile:
    """Exclusive wall time per step label, for the grading (main) thread; the tests' thread's waits on the
    student's process apart, under the hidden test class being run."""

    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.in_student: dict[str, float] = defaultdict(float)  # test class -> tests' thread waiting on the student
        self.notebook = -1  # which notebook of the run is being converted (-1: before the first)
        self.by_notebook: dict[str, dict[int, float]] = defaultdict(lambda: defaultdict(float))
        self.test_class = ""
        self.student_cpu = 0.0  # CPU seconds of the student processes, as they ended
        self.missing: list[str] = []  # what could not be timed (not found)
        self.stage = SANITIZING
        self._stack: list[list] = []
        self._side = threading.local()

    def wrap(self, owner, name: str, label, relabel=None) -> None:
        """Time `owner.name` (a method or module function) under `label` (a string, or a function of its arguments);
        `relabel(result, label)` may change the label once the call returned."""
        original = getattr(owner, name, None)
        if original is None:  # moved by a change of the engine or nbgrader: said in the report, not fatal
            self.missing.append(f"{getattr(owner, '__name__', owner)}.{name}")
            return
        if getattr(original, "_profiled", False):
            return

        @functools.wraps(original)
        def timed(*args, **kwargs):
            if threading.current_thread() is not threading.main_thread():
                return self._timed_side(original, args, kwargs)
            step = label(*args, **kwargs) if callable(label) else label
            frame = [step, 0.0]
            self._stack.append(frame)
            start = time.perf_counter()
            result = None
            try:
                result = original(*args, **kwargs)
                return result
            finally:
                elapsed = time.perf_counter() - start
                self._stack.pop()
                if relabel is not None:
                    step = relabel(result, step)
                self.seconds[step] += elapsed - frame[1]
                self.by_notebook[step][self.notebook] += elapsed - frame[1]
                self.calls[step] += 1
                if self._stack:
                    self._stack[-1][1] += elapsed

        timed._profiled = True
        setattr(owner, name, timed)

    def caller(self) -> str:
        """The step that the call now starting is made in."""
        return self._stack[-1][0] if self._stack else "no step"

    def charge(self, step: str, seconds: float) -> None:
        """Count `seconds` spent outside any timed call, inside the one now running, as `step`."""
        if seconds > 0.001:
            self.seconds[step] += seconds
            self.by_notebook[step][self.notebook] += seconds
            if self._stack:
                self._stack[-1][1] += seconds

    def _timed_side(self, original, args, kwargs):
        """A call in another thread (the hidden tests'): counted once, outermost, under the current test class."""
        if getattr(self._side, "busy", False):
            return original(*args, **kwargs)
        self._side.busy = True
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            self._side.busy = False
            self.in_student[self.test_class] += time.perf_counter() - start

    def as_json(self) -> dict:
        return {"seconds": dict(self.seconds), "calls": dict(self.calls), "in_student": dict(self.in_student),
                "by_notebook": {step: dict(seconds) for step, seconds in self.by_notebook.items()},
                "missing": self.missing, "student_cpu": self.student_cpu, "grader_cpu": time.process_time()}


def has_image(reply) -> bool:
    outputs = reply.get("outputs") if type(reply) is dict else None
    return any(type(o) is dict and type(o.get("data")) is dict and any(m.startswith("image/") for m in o["data"])
               for o in outputs or [])


def instrument_nbgrader(profile: Profile) -> None:
    """Timers on nbgrader's converter, nbconvert's preprocessors and the gradebook (nbgrader's own steps)."""
    from nbconvert.preprocessors import Preprocessor
    from nbgrader.apps.autogradeapp import AutogradeApp
    from nbgrader.converters.autograde import Autograde
    from nbgrader.converters.base import BaseConverter

    def converter_pass(self, *args, **kwargs):
        profile.stage = SANITIZING if getattr(self, "_sanitizing", True) else AUTOGRADING
        return f"{profile.stage}: read, check and write the notebook"

    profile.wrap(BaseConverter, "convert_single_notebook", converter_pass)
    profile.wrap(Autograde, "convert_single_notebook", "nbgrader: the converter's own rest")
    profile.wrap(BaseConverter, "convert_notebooks", "nbgrader: the converter's own rest")
    def next_submission(*args, **kwargs):  # the first step of each submission (one notebook each here)
        profile.notebook += 1
        return "nbgrader: init_destination (removes the old output)"

    profile.wrap(BaseConverter, "init_destination", next_submission)
    profile.wrap(Autograde, "init_assignment", "nbgrader: init_assignment (lookups, copies the files)")
    profile.wrap(BaseConverter, "set_permissions", "nbgrader: set_permissions")
    profile.wrap(BaseConverter, "run_pre_convert_hook", "nbgrader: pre- and post-convert hooks (the kit's)")
    profile.wrap(BaseConverter, "run_post_convert_hook", "nbgrader: pre- and post-convert hooks (the kit's)")

    def preprocessor(self, *args, **kwargs):
        if type(self).__name__ == "GradeWithHiddenTests":
            # the engine's modules import torch: timed on their own, and only once the grader gets there
            start = time.perf_counter()
            instrument_engine(profile)
            profile.charge("start-up: the engine's imports (first notebook)", time.perf_counter() - start)
            return "kit engine: the rest of grading a notebook"
        return f"{profile.stage}: {type(self).__name__}"

    profile.wrap(Preprocessor, "__call__", preprocessor)
    profile.wrap(AutogradeApp, "start", "nbgrader: the converter's own rest")
    stock_start = AutogradeApp.start

    def start(app, *args, **kwargs):  # the configuration is loaded (the kit's engine sharing included)
        instrument_gradebook(profile)
        return stock_start(app, *args, **kwargs)

    AutogradeApp.start = start


def instrument_gradebook(profile: Profile) -> None:
    from nbgrader.api import Gradebook
    from sqlalchemy.orm import Session

    profile.wrap(Gradebook, "__init__", "gradebook: opens")
    for name, value in list(vars(Gradebook).items()):
        if callable(value) and (not name.startswith("_") or name in ("__enter__", "__exit__")):
            profile.wrap(Gradebook, name, f"gradebook: Gradebook.{name}")
    for name in ("execute", "flush", "commit"):  # lazy loads and the preprocessors' own commits; by caller
        profile.wrap(Session, name, lambda *args, name=name, **kwargs: f"gradebook: Session.{name} in {profile.caller()}")


def instrument_engine(profile: Profile) -> None:
    """Timers on the kit's engine: the student's process, its cells, the hidden tests (imported by their names)."""
    from autograder.grading import engine, hidden_tests
    from autograder.grading.cells import item_class
    from autograder.grading.student_process import Student, StudentProcess

    if getattr(StudentProcess.__init__, "_profiled", False):
        return
    forks = []

    def fork(*args, **kwargs):
        forks.append(1)
        return ("start-up: the first student process (waits for the zygote)" if len(forks) == 1
                else "sandbox: fork a student process (its files, the fork request)")

    profile.wrap(StudentProcess, "__init__", fork)
    profile.wrap(StudentProcess, "close", "sandbox: end the student process")
    timed_close = StudentProcess.close

    def close(process, *args, **kwargs):
        try:
            return timed_close(process, *args, **kwargs)
        finally:
            profile.student_cpu += float((process.ending or {}).get("cpu_seconds") or 0)

    close._profiled = True
    StudentProcess.close = close
    profile.wrap(StudentProcess, "run_cell", "student: cells",
                 relabel=lambda reply, step: "student: plot cells" if has_image(reply) else "student: other cells")

    def first_session(*args, **kwargs):
        return "start-up: the hidden tests' session (collection, first notebook)"

    profile.wrap(engine, "hidden_tests", first_session)

    def test_classes(self, items, *args, **kwargs):
        profile.test_class = " ".join(dict.fromkeys(item_class(item, self.folder)[1] for item in items))
        return f"hidden tests: {profile.test_class}"

    profile.wrap(hidden_tests.HiddenTests, "run", test_classes)
    for name in ("_call", "define", "put", "alone"):  # in the tests' thread: counted apart, per class
        if hasattr(Student, name):
            profile.wrap(Student, name, "hidden tests: in the student's process")


def profile_child(assignment: str, out: str) -> None:
    """In the course folder: `nbgrader autograde ASSIGNMENT --force` in this process, timed step by step."""
    profile = Profile()
    instrument_nbgrader(profile)
    status = None
    try:
        status = autograde_in_process(assignment)
    finally:
        notebooks = profile.calls.get("kit engine: the rest of grading a notebook", 0)
        Path(out).write_text(json.dumps({**profile.as_json(), "notebooks": notebooks, "status": status}))
    sys.exit(status)


def autograde_in_process(assignment: str) -> int:
    """`nbgrader autograde ASSIGNMENT --force` run by nbgrader's own app in this process; its exit status."""
    from nbgrader.apps.nbgraderapp import NbGraderApp
    sys.argv = ["nbgrader", "autograde", assignment, "--force"]  # as the command: the sandbox starts early
    try:
        NbGraderApp.launch_instance()
    except SystemExit as exc:
        return exc.code or 0
    return 0


def notebook_code(notebook) -> list[str]:
    """The code cells of a notebook as a student's process runs them (test cells without their hidden region)."""
    import nbformat

    from autograder.grading.cells import is_test_cell, split_hidden
    nb = nbformat.read(notebook, as_version=4)
    return [split_hidden(c.source)[0] if is_test_cell(c) else c.source for c in nb.cells if c.cell_type == "code"]


def floor_child(notebook: str, students: int, out: str) -> None:
    """The notebook's own code in this warm process, plots built but never drawn (see the module's docstring)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch  # warm, as the zygote is
    torch.set_num_threads(1)  # as the student's process (OMP_NUM_THREADS=1 there)

    compiled = [compile(code, f"<cell {i}>", "exec") for i, code in enumerate(notebook_code(notebook))]
    totals, cpu, errors = {"plot cells": 0.0, "other cells": 0.0}, 0.0, []
    for run in range(students + 1):  # run 0 warms up
        namespace = {"__name__": "__main__"}
        for code in compiled:
            start, start_cpu = time.perf_counter(), time.process_time()
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(code, namespace)
            except Exception as exc:  # a reference notebook should raise nothing: reported
                errors.append(f"{type(exc).__name__}: {exc}"[:200])
            elapsed = time.perf_counter() - start
            if run:
                cpu += time.process_time() - start_cpu
            plot = bool(plt.get_fignums())
            plt.close("all")
            if run:
                totals["plot cells" if plot else "other cells"] += elapsed
    Path(out).write_text(json.dumps({"seconds": {k: v / students for k, v in totals.items()}, "cpu": cpu / students,
                                     "errors": errors[:5]}))


# --- the parent: courses, runs, tables


def per_notebook(run: dict, wall: float) -> dict[str, float]:
    """Seconds per notebook by step of one profiled run; start-up, imports and exit are what no step holds."""
    notebooks = max(1, run["notebooks"])
    steps = {label: seconds / notebooks for label, seconds in run["seconds"].items()}
    steps["start-up: imports, zygote, exit (no step)"] = max(0.0, wall - sum(run["seconds"].values())) / notebooks
    return steps


def step_order(label: str) -> tuple:
    group = label.split(":", 1)[0]
    return (GROUPS.index(group) if group in GROUPS else len(GROUPS), label)


def table_row(label: str) -> str:
    """The main table's row of a step: the hidden test classes summed (they have a table of their own), the
    gradebook's methods as commits and the rest."""
    if label.startswith("hidden tests:"):
        return "hidden tests: all classes"
    if label.startswith("gradebook: ") and label != "gradebook: opens":
        return "gradebook: commits" if "Session.commit" in label else "gradebook: queries and writes"
    return label


def format_steps(columns: dict[str, dict[str, float]], totals: dict[str, float], floors: dict[str, dict],
                 cpu: dict[str, tuple[float, float]] | None = None) -> str:
    """A markdown table: a row per step (hidden tests summed), a column per set, then the mean and its share;
    `cpu` ({set: (grader's, student processes' CPU seconds per notebook)}) adds CPU rows."""
    cpu = cpu or {}
    summed = {}
    for name, steps in columns.items():
        summed[name] = defaultdict(float)
        for label, seconds in steps.items():
            summed[name][table_row(label)] += seconds
    labels = sorted({label for steps in summed.values() for label in steps}, key=step_order)
    names = list(columns)
    mean_total = sum(totals.values()) / len(totals)
    lines = [f"| step | {' | '.join(names)} | mean | share |", "|---" * (len(names) + 3) + "|"]
    for label in labels:
        values = [summed[name].get(label, 0.0) for name in names]
        mean = sum(values) / len(values)
        lines.append(f"| {label} | {' | '.join(f'{v:.3f}' for v in values)} | {mean:.3f} | "
                     f"{100 * mean / mean_total:.0f}% |")
    floor = {name: sum(floors[name]["seconds"].values()) for name in names}
    plots = {name: floors[name]["seconds"]["plot cells"] for name in names}
    rows = [("**total per notebook** (wall / students)", totals), ("**floor**: the notebook's code, one warm process", floor),
            ("floor: of which plot cells (not drawn)", plots)]
    for label, values in rows:
        mean = sum(values.values()) / len(values)
        lines.append(f"| {label} | {' | '.join(f'{values[n]:.3f}' for n in names)} | {mean:.3f} | |")
    ratio = {n: totals[n] / floor[n] if floor[n] else float("inf") for n in names}
    if all("cpu" in floors[n] for n in names) and all(n in cpu for n in names):
        rows = [("CPU: the grader's process, all its threads", {n: cpu[n][0] for n in names}),
                ("CPU: the student's processes", {n: cpu[n][1] for n in names}),
                ("CPU: the floor", {n: floors[n]["cpu"] for n in names})]
        for label, values in rows:
            mean = sum(values.values()) / len(values)
            lines.append(f"| {label} | {' | '.join(f'{values[n]:.3f}' for n in names)} | {mean:.3f} | |")
    lines.append(f"| kit / floor | {' | '.join(f'{ratio[n]:.1f}x' for n in names)} | "
                 f"{mean_total / (sum(floor.values()) / len(floor)):.1f}x | |")
    return "\n".join(lines)


def format_tests(by_size: dict[int, dict[str, dict]]) -> str:
    """A markdown table of the hidden test classes: seconds per notebook at each class size, and of it the
    tests' thread's wait on the student's process."""
    sizes = sorted(by_size)
    header = " | ".join(f"{n} students | of it in the student's process" for n in sizes)
    lines = [f"| set | test class | {header} |", "|---|---" + "|---|---" * len(sizes) + "|"]
    keys = {}
    for n in sizes:
        for name, run in by_size[n].items():
            for label in run["seconds"]:
                if label.startswith("hidden tests: "):
                    keys.setdefault((name, label[len("hidden tests: "):]), None)
    for name, cls in keys:
        cells = []
        for n in sizes:
            run = by_size[n].get(name)
            notebooks = max(1, run["notebooks"]) if run else 1
            seconds = run["seconds"].get(f"hidden tests: {cls}", 0.0) / notebooks if run else 0.0
            waited = run["in_student"].get(cls, 0.0) / notebooks if run else 0.0
            cells.append(f"{seconds:.3f} | {waited:.3f}")
        lines.append(f"| {name} | {cls} | {' | '.join(cells)} |")
    return "\n".join(lines)


def grouped(by_notebook: dict[str, dict]) -> dict[str, dict]:
    """{table row: {notebook: seconds}} from {step: {notebook: seconds}}."""
    rows = defaultdict(lambda: defaultdict(float))
    for label, seconds in by_notebook.items():
        for notebook, value in seconds.items():
            rows[table_row(label)][notebook] += value
    return rows


def format_first(runs: dict[str, dict]) -> str:
    """A markdown table: each step's seconds in the first notebook of a run and the median of the later ones,
    by set; what the first pays once, the later ones show at their steady cost."""
    names = list(runs)
    runs = {name: {**run, "by_notebook": grouped(run["by_notebook"])} for name, run in runs.items()}
    labels = sorted({label for run in runs.values() for label in run["by_notebook"]}, key=step_order)
    lines = [f"| step | {' | '.join(f'{n} first | {n} later' for n in names)} |", "|---" * (2 * len(names) + 1) + "|"]
    for label in labels:
        cells = []
        for name in names:
            seconds = {int(k): v for k, v in runs[name]["by_notebook"].get(label, {}).items()}
            later = sorted(seconds.get(i, 0.0) for i in range(1, runs[name]["notebooks"]))
            median = later[len(later) // 2] if later else 0.0
            cells.append(f"{seconds.get(0, 0.0) + seconds.get(-1, 0.0):.3f} | {median:.3f}")
        lines.append(f"| {label} | {' | '.join(cells)} |")
    return "\n".join(lines)


def run_child(args: list[str], cwd: Path, env: dict) -> float:
    start = time.monotonic()
    result = subprocess.run([sys.executable, str(Path(__file__).resolve()), *args], cwd=cwd, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    seconds = time.monotonic() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, nargs="+", default=[10, 40])
    parser.add_argument("--kinds", nargs="+", default=["reference"], choices=["reference", "blank"])
    parser.add_argument("--assignments", nargs="+")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    parser.add_argument("--json", type=Path, help="also write every run's raw timings to this file")
    parser.add_argument("--child-profile", nargs=2, metavar=("SET", "OUT"), help=argparse.SUPPRESS)
    parser.add_argument("--child-floor", nargs=3, metavar=("NOTEBOOK", "STUDENTS", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_profile:
        return profile_child(*args.child_profile)
    if args.child_floor:
        return floor_child(args.child_floor[0], int(args.child_floor[1]), args.child_floor[2])

    from autograder.authoring import corpus
    from autograder.nbgrader.course import Course
    from grading_speed import build_course

    assignments = args.assignments or corpus.assignments()
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
               PYTHONWARNINGS="ignore")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip() or f"unknown ({ROOT} is not a git checkout)"
    report = [f"commit {commit}, {os.cpu_count()} cores, load average at the start "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"]
    print(report[0], flush=True)
    raw = {}
    with tempfile.TemporaryDirectory(prefix="kit-profile-") as scratch:
        scratch = Path(scratch)
        for kind in args.kinds:
            runs_by_size = {}
            for students in args.students:
                course = build_course(scratch / f"{kind}-{students}", assignments, students, kind)
                columns, totals, floors, runs = {}, {}, {}, {}
                for assignment in assignments:
                    out = scratch / f"{kind}-{students}-{assignment}.json"
                    wall = run_child(["--child-profile", assignment, str(out)], course, env)
                    run = json.loads(out.read_text())
                    if run["missing"]:
                        print(f"WARNING {assignment}: not timed (not found): {', '.join(run['missing'])}")
                    if run["notebooks"] != students:
                        raise SystemExit(f"{assignment}: {run['notebooks']} notebooks graded of {students}")
                    if kind == "reference":
                        want = corpus.full_points(assignment)
                        wrong = [s for s, got in corpus.gradebook_scores(course, assignment).items() if got != want]
                        if wrong:
                            print(f"WARNING {assignment}: {len(wrong)} reference submissions short of full points")
                    floor_out = scratch / f"floor-{kind}-{assignment}.json"
                    if not floor_out.exists():  # the same code at every class size: measured once per set
                        notebook = Course(course).submitted("s000", assignment, assignment)
                        run_child(["--child-floor", str(notebook), str(FLOOR_RUNS), str(floor_out)], notebook.parent,
                                  dict(env, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", MPLBACKEND="Agg"))
                    floors[assignment] = json.loads(floor_out.read_text())
                    if floors[assignment]["errors"]:
                        print(f"WARNING floor of {assignment} raised: {floors[assignment]['errors']}")
                    columns[assignment], totals[assignment], runs[assignment] = per_notebook(run, wall), wall / students, run
                    print(f"  {kind} {students} {assignment}: {wall:.1f} s, {wall / students:.3f} s per notebook, "
                          f"floor {sum(floors[assignment]['seconds'].values()):.3f}", flush=True)
                runs_by_size[students] = runs
                raw[f"{kind}-{students}"] = {"runs": runs, "walls": totals, "floors": floors}
                cpu = {name: (run["grader_cpu"] / students, run["student_cpu"] / students) for name, run in runs.items()}
                table = format_steps(columns, totals, floors, cpu)
                report.append(f"\n{students} students, {kind} submissions: seconds per notebook\n\n{table}")
                report.append(f"\n{students} students, {kind}: the first notebook of a run, and the median later one "
                              f"(seconds)\n\n{format_first(runs)}")
                print("\n".join(report[-2:]), flush=True)
            report.append(f"\nHidden test classes, {kind} submissions: seconds per notebook\n\n{format_tests(runs_by_size)}")
            print(report[-1], flush=True)
    report.append(f"\nload average at the end {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(report[-1])
    if args.json:
        args.json.write_text(json.dumps(raw, indent=1))
    if args.markdown:
        args.markdown.write_text("\n".join(report) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
