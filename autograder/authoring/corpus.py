"""The corpus of cases, graded through nbgrader's own CLI in a scratch copy of the course.

Cases are the sample class (tests/sample_class/<student>/<assignment>/<notebook>.py), the
corpus (tests/cases/<assignment>/<case>.py) and the attacks (tests/attacks/<assignment>/<attack>.py,
graded under tighter limits, see grade_attacks); see autograder.authoring.submissions for the format.
`python -m autograder accuracy` and tests/test_grading.py use the same functions, so the
report and the tests judge the same kind of run.
"""
from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.classroom import grade_class as class_grading
from autograder.grading import cell_result, cells
from autograder.nbgrader import gradebook
from autograder.nbgrader.command import nbgrader as run_nbgrader
from autograder.nbgrader.course import Course
from autograder.authoring.submissions import Case, build_notebook, read_case, case_files, write_special_files

ROOT = Path.cwd()  # the default course: the current folder, as for nbgrader (the engine's callers pass theirs)
COURSE_FILES = ["source", "release", "autograder", "hidden_tests", "solutions", "nbgrader_config.py"]
UNREADABLE = ("dave", "tensors")  # tests/sample_class/dave/tensors holds a broken .ipynb, not a case file
SOURCE_COPY = "source-notebook"  # the student who submits the source notebook itself (a course file: refused)
REFERENCE = "reference-solutions"  # the student who hands in the release notebook with the reference filled in


@dataclass
class Entry:
    assignment: str
    student: str
    case: Case

    @property
    def kind(self) -> str:
        if self.case.base == "release":
            return "blank or attack"
        return "mistake" if self.case.expect else "correct variant"


def assignments(root: Path = ROOT) -> list[str]:
    return sorted(path.name for path in (root / "source").iterdir() if path.is_dir())


def notebook_of(assignment: str, kind: str = "source", root: Path = ROOT) -> Path:
    return root / kind / assignment / f"{assignment}.ipynb"


def entries(root: Path = ROOT) -> list[Entry]:
    found = []
    for assignment in assignments(root):
        for path in sorted(root.glob(f"tests/sample_class/*/{assignment}/*.py")):
            found.append(Entry(assignment, path.parent.parent.name, read_case(path)))
        for path in sorted(root.glob(f"tests/cases/{assignment}/*.py")):
            found.append(Entry(assignment, path.stem, read_case(path)))
    return found


def attack_entries(root: Path = ROOT) -> list[Entry]:
    """One student per attack, named by it, and after it in the class list an honest student."""
    found = []
    for path in sorted(root.glob("tests/attacks/*/*.py")):
        found.append(Entry(path.parent.name, path.stem, read_case(path)))
    return found


def honest_students(entry: Entry) -> list[str]:
    """The honest students graded right after an attack (its `honest-after` count)."""
    # nbgrader grades in the order of the submission folders' paths: `<attack>_then-honest/` comes
    # right after `<attack>/` ('_' sorts after '/'; '-', before it, put them ahead of their attack)
    first = f"{entry.student}_then-honest"
    return [first] + [f"{first}-{k:02d}" for k in range(2, entry.case.honest_after + 1)]


def full_points(assignment: str, root: Path = ROOT) -> dict[str, float]:
    return {cells.nbgrader_meta(c)["grade_id"]: float(cells.nbgrader_meta(c)["points"])
            for c in nbformat.read(notebook_of(assignment, root=root), as_version=4).cells if cells.is_test_cell(c)}


def expected_scores(entry: Entry, root: Path = ROOT, full: dict[str, float] | None = None) -> dict[str, float]:
    """{grade_id: points} that `entry` should earn; `full`: the set's full_points, when read already."""
    full = full if full is not None else full_points(entry.assignment, root)
    default = full if entry.case.base == "reference" else dict.fromkeys(full, 0.0)
    return {**default, **entry.case.expected_points(full)}


def copy_course(target: Path, root: Path = ROOT) -> Path:
    """A course root with the kit's own files and no submissions or gradebook (a course without
    its own autograder/ runs the installed engine)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in COURSE_FILES:
        if not (root / name).exists():
            continue
        if (root / name).is_dir():
            shutil.copytree(root / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(root / name, target / name)
    return target


def nbgrader(course: Path, *args: str, check: bool = True, prefix: tuple[str, ...] = (),
             env: dict | None = None, peaks: dict[str, float] | None = None) -> subprocess.CompletedProcess:
    """nbgrader's command line in `course` (autograder.nbgrader.command); with `peaks`, the peak
    resident memory (MiB) of the grader's own processes is recorded there (see _watch_peaks)."""
    watch = (lambda process: _watch_peaks(process, peaks)) if peaks is not None else None
    return run_nbgrader(course, *args, check=check, prefix=prefix, env=env, while_running=watch)


def _watch_peaks(process: subprocess.Popen, peaks: dict[str, float]) -> None:
    """Until `process` ends: the highest VmHWM (MiB) of the grader ("grader", nbgrader's process)
    and of the sandbox's zygote ("zygote", the first-started zygote.py process under a parent that is not
    one too), each the largest over its processes; student processes (the zygote's children) are not
    the grader's, orphans among them included: a student's child whose parent ended is reparented next
    to the zygote, under the sandbox's init, and started after it."""
    while process.poll() is None:
        table = {}
        for name in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{name}/status") as f:
                    fields = dict(line.split(":", 1) for line in f if ":" in line)
                with open(f"/proc/{name}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
                with open(f"/proc/{name}/stat") as f:
                    started = int(f.read().rsplit(")", 1)[1].split()[19])
                table[int(name)] = (int(fields["PPid"]), int(fields.get("VmHWM", "0 kB").split()[0]),
                                    len(argv) > 1 and argv[1].endswith(b"zygote.py"), started)
            except (OSError, KeyError, ValueError, IndexError):
                continue
        # per parent that is not a zygote.py process, its first-started zygote.py child: the zygote
        first_worker: dict[int, tuple[int, int]] = {}
        for pid, (parent, _, is_worker, started) in table.items():
            if is_worker and parent in table and not table[parent][2]:
                first_worker[parent] = min(first_worker.get(parent, (started, pid)), (started, pid))
        below, todo = set(), [process.pid]
        while todo:
            pid = todo.pop()
            below.add(pid)
            todo += [child for child, (parent, *_) in table.items() if parent == pid and child not in below]
        for pid in below:
            parent, hwm_kib, _, _ = table.get(pid, (0, 0, False, 0))
            role = "grader" if pid == process.pid else \
                "zygote" if first_worker.get(parent, (0, None))[1] == pid else None
            if role:
                peaks[role] = max(peaks.get(role, 0.0), hwm_kib / 1024)
        time.sleep(0.1)


def submit(course: Path, student: str, assignment: str) -> Path:
    path = Course(course).submitted(student, assignment, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_submission(course: Path, entry: Entry, root: Path = ROOT) -> None:
    """The student's folder in submitted/ as `entry` describes it (the notebook and any extra files)."""
    nb = build_notebook(entry.case, notebook_of(entry.assignment, "release", root), notebook_of(entry.assignment, root=root))
    folder = submit(course, entry.student, entry.assignment).parent
    for name, data in case_files(entry.case, nb, f"{entry.assignment}.ipynb").items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    write_special_files(entry.case, folder)


# The attacks run under tighter limits than the defaults, so that a loop or a bomb costs seconds.
# CPU seconds well under the cell's wall seconds: a CPU loop must reach its CPU limit first even when
# it gets a third of a core (tests/test_attacks.py grades two modes at once); an honest notebook's
# student process uses under 2 s.
ATTACK_LIMITS = {"cell_seconds": 15, "call_seconds": 15, "notebook_seconds": 90, "cpu_seconds": 4,
                 "memory_mb": 1024, "processes": 64, "file_size_mb": 16, "disk_mb": 128}


@dataclass
class AttackRun:
    entries: list[Entry]     # the attacks, then the honest students
    log: str                 # nbgrader's log of the run with the attacks
    statuses: list[int]      # its exit status per assignment
    peak_mib: dict[str, float]  # the grader's and the zygote's peak memory in that run


def grade_attacks(course: Path, root: Path = ROOT, prefix: tuple[str, ...] = (),
                  env: dict | None = None, owner: tuple[int, int] | None = None) -> AttackRun:
    """Grade every attack (and honest students after each) through `nbgrader autograde`, twice.

    First every attacker submits the reference solution and is graded; then the attacks are
    submitted and regraded, so a grade that survives from the first run shows up as a failure. The
    honest students hand in for the second run only, so theirs are graded once, without an earlier grade.
    `prefix` and `env` are passed to `nbgrader` (another user, a memory cap); `owner` (uid, gid)
    owns the attacks' submission folders, as the grader's own after a collect.
    """
    attacks = attack_entries(root)
    reference = Case(Path("reference"), "reference", {})
    honest = [Entry(e.assignment, name, reference) for e in attacks for name in honest_students(e)]
    limits = [f"--Limits.{name}={value}" for name, value in ATTACK_LIMITS.items()]
    sets = sorted({e.assignment for e in attacks})
    run = {"prefix": prefix, "env": env}
    for assignment in sets:
        nbgrader(course, "generate_assignment", assignment, "--force", **run)
    for entry in attacks:
        write_submission(course, Entry(entry.assignment, entry.student, reference), root)
    for assignment in sets:
        nbgrader(course, "autograde", assignment, "--force", *limits, **run)
    for entry in attacks:
        folder = submit(course, entry.student, entry.assignment).parent
        shutil.rmtree(folder)
        write_submission(course, entry, root)
        for path in [folder, *folder.rglob("*")] if owner else []:
            os.chown(path, *owner, follow_symlinks=False)
    # the honest students hand in only now: with no earlier grade to keep, a grading that an attack
    # broke cannot pass for their full marks (and the first run does not grade them for nothing)
    for entry in honest:
        write_submission(course, entry, root)
    peaks: dict[str, float] = {}
    results = [nbgrader(course, "autograde", assignment, "--force", *limits, check=False, peaks=peaks, **run)
               for assignment in sets]
    return AttackRun(attacks + honest, "".join(r.stderr for r in results), [r.returncode for r in results], peaks)


def grade_corpus(course: Path, root: Path = ROOT, sets: list[str] | None = None, workers: int = 1) -> list[Entry]:
    """Release every set in `course` (or those in `sets`), submit every case (and, per set, the
    reference as a student hands it in and the source notebook itself), autograde each set (see
    grade_entries for `workers`)."""
    sets = sets or assignments(root)
    graded = [entry for entry in entries(root) if entry.assignment in sets]
    for assignment in sets:
        shutil.copy(notebook_of(assignment, root=root), submit(course, SOURCE_COPY, assignment))
        write_submission(course, Entry(assignment, REFERENCE, Case(Path("reference"), "reference", {})), root)
    student, assignment = UNREADABLE
    if assignment in sets:
        shutil.copy(root / "tests" / "sample_class" / student / assignment / f"{assignment}.ipynb",
                    submit(course, student, assignment))
    return grade_entries(course, graded, root, sets, workers)


def grade_entries(course: Path, graded: list[Entry], root: Path = ROOT, sets: list[str] | None = None,
                  workers: int = 1) -> list[Entry]:
    """Release the sets of `graded` (or `sets`) in `course`, submit every entry, and autograde them:
    with one `workers`, one nbgrader run per set; with more, grade_class deals the students to that many
    nbgrader processes at once (a run keeps about one core busy, its grader and student taking turns)."""
    sets = sets or sorted({e.assignment for e in graded})
    every_set = set(sets) == set(assignments(course))
    for pattern in ["*"] if every_set else sets:  # "*": one start-up for all the sets
        nbgrader(course, "generate_assignment", pattern, "--force")
    for entry in graded:
        write_submission(course, entry, root)
    if workers <= 1:
        for assignment in sets:
            nbgrader(course, "autograde", assignment, "--force")
        return graded
    only_these = {name for _, name in class_grading.submissions(course, "*")} <= set(sets)
    for pattern in ["*"] if only_these else sets:
        result = class_grading.grade_class(course, pattern, workers=workers, stream=io.StringIO())
        if result.failed:
            raise RuntimeError(f"nbgrader autograde {pattern} failed for {', '.join(result.failed)}: "
                               + "; ".join(f"{k}: {v}" for k, v in result.reasons.items()))
    return graded


def gradebook_scores(course: Path, assignment: str) -> dict[str, dict[str, float]]:
    """{student: {grade_id: score}} of the autograded cells, as nbgrader recorded them."""
    return {student: {grade_id: score for (_, grade_id), score in grades.items()}
            for student, grades in gradebook.autograded_scores(Course(course).db_url, assignment).items()}


def cell_outputs(course: Path, student: str, assignment: str, grade_id: str) -> list:
    nb = nbformat.read(Course(course).autograded(student, assignment, assignment), as_version=4)
    return next(c.outputs for c in nb.cells if cells.nbgrader_meta(c).get("grade_id") == grade_id)


def cell_feedback(course: Path, student: str, assignment: str, grade_id: str) -> str:
    return json.dumps(cell_outputs(course, student, assignment, grade_id))


def first_message(course: Path, student: str, assignment: str, grade_id: str) -> str:
    """The first hidden-test message of a cell (the visible checks' note only when there is nothing else)."""
    messages = cell_result.messages_in(cell_outputs(course, student, assignment, grade_id))
    return next((m for m in messages if not m.startswith("a visible check")), messages[0] if messages else "")


@dataclass
class Row:
    entry: Entry
    grade_id: str
    expected: float
    actual: float
    message: str
    named: bool = False  # a mistake's cell: its feedback holds every text the case `says` for it

    @property
    def ok(self) -> bool:
        return abs(self.expected - self.actual) < 0.011


def accuracy_rows(course: Path, graded: list[Entry], root: Path = ROOT) -> list[Row]:
    rows = []
    scores = {assignment: gradebook_scores(course, assignment) for assignment in {e.assignment for e in graded}}
    for entry in graded:
        actual = scores[entry.assignment].get(entry.student, {})
        for grade_id, expected in expected_scores(entry, root).items():
            marked = entry.kind == "mistake" and grade_id in entry.case.expect
            message = first_message(course, entry.student, entry.assignment, grade_id) if marked else ""
            says = [text for said_id, text in entry.case.says if said_id == grade_id]
            named = marked and bool(says) and all(
                text in cell_feedback(course, entry.student, entry.assignment, grade_id) for text in says)
            rows.append(Row(entry, grade_id, expected, actual.get(grade_id, float("nan")), message, named))
    return rows


def summary(rows: list[Row]) -> str:
    by_case: dict[tuple, list[Row]] = {}
    for row in rows:
        by_case.setdefault((row.entry.assignment, row.entry.student), []).append(row)
    variants = [r for r in by_case.values() if r[0].entry.kind == "correct variant"]
    mistakes = [r for r in by_case.values() if r[0].entry.kind == "mistake"]
    others = [r for r in by_case.values() if r[0].entry.kind == "blank or attack"]
    good = lambda group: sum(all(row.ok for row in case) for case in group)  # noqa: E731
    named = sum(all(row.named for row in case if row.grade_id in row.entry.case.expect) for case in mistakes)
    return (f"correct variants at full marks: {good(variants)}/{len(variants)}, "
            f"mistakes losing their points: {good(mistakes)}/{len(mistakes)}, "
            f"mistakes named in feedback: {named}/{len(mistakes)}\n"
            f"blanks and attacks earning nothing: {good(others)}/{len(others)}")


def format_report(rows: list[Row]) -> str:
    """One line per correct variant, blank or attack (its total); one per marked cell of a mistake."""
    lines = [f"{'set':<16} {'case':<38} {'cell':<22} {'expected':>8} {'actual':>8}  message"]
    by_case: dict[tuple, list[Row]] = {}
    for row in rows:
        by_case.setdefault((row.entry.assignment, row.entry.student), []).append(row)
    for (assignment, student), case_rows in by_case.items():
        entry = case_rows[0].entry
        shown = [r for r in case_rows if r.grade_id in entry.case.expect or not r.ok] if entry.kind == "mistake" \
            else [Row(entry, "(all cells)", sum(r.expected for r in case_rows), sum(r.actual for r in case_rows), "")]
        for row in shown:
            mark = "" if row.ok and all(r.ok for r in case_rows) else "  <-- DIFFERS"
            lines.append(f"{assignment:<16} {student:<38} {row.grade_id:<22} {row.expected:>8g} {row.actual:>8g}"
                         f"  {row.message[:100]}{mark}")
    return "\n".join(lines + ["", summary(rows)])
