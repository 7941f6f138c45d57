"""Mutation testing of the hidden tests: small wrong versions of the reference answers, graded.

Each mutant is the reference answer cell (the solution region of source/<set>/<set>.ipynb) with
one change made on its syntax tree (`OPERATORS`: a constant, an operator, a call such as `.item()`
added or removed, a return value, a parameter read from the notebook's global of that name, a
statement dropped, `zero_grad`/`no_grad`/`manual_seed` removed, a random draw reused, ...).
Every mutant is a student of ONE `nbgrader autograde "*"` run for all the sets; its notebook is
the release notebook with only the mutated cell filled in (the other answers stay stubs: a task's
hidden tests call only that task's function). A mutant is killed when its own cell loses points,
and survives when the cell keeps full marks. A control student per task (the unmutated answer,
written the same way) must get full marks, or the task's mutants are not judged.

Survivors are missing tests, unless the task's words cannot tell the mutant from the reference:
those are listed, each with its reason, in hidden_tests/equivalent_mutants.toml, identified by
the cell's grade_id and a hash of the mutated code. The score is killed / (all - equivalent).
`python -m autograder mutants [SET ...]` prints the report; tests/test_mutants.py asks for 95%.
"""
from __future__ import annotations

import ast
import difflib
import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import nbformat

from autograder.authoring import corpus
from autograder.authoring.mutation_operators import OPERATORS
from autograder.authoring.mutation_sites import Task, apply_edit, sites
from autograder.authoring.solutions import MAGIC, MARKER
from autograder.authoring.submissions import Case
from autograder.grading import cells
from autograder.nbgrader.course import Course

MIN_SCORE = 0.95  # what tests/test_mutants.py asks of every set
EQUIVALENTS = "equivalent_mutants.toml"  # in the hidden tests' folder
# Mutants run under tighter limits than students, so that a mutant that loops costs seconds.
LIMITS = {"cell_seconds": 30, "call_seconds": 30, "notebook_seconds": 300}



@dataclass
class Mutant:
    assignment: str
    answer: str          # the answer cell's grade_id
    check: str           # the grade_id of its test cell
    operator: str
    change: str          # what changed, in one line
    original: str        # the answer cell's reference code (unparsed, as the control submits it)
    code: str            # the mutated cell

    @property
    def key(self) -> str:
        """Stable across runs: a hash of the mutated code (with the cell's grade_id beside it, see `ident`)."""
        return hashlib.sha256(self.code.encode()).hexdigest()[:12]

    @property
    def ident(self) -> str:
        return f"{self.answer}/{self.key}"

    @property
    def student(self) -> str:
        return f"m-{self.answer.removesuffix('-answer')}-{self.key}"

    @property
    def diff(self) -> str:
        return "\n".join(difflib.unified_diff(self.original.splitlines(), self.code.splitlines(),
                                              f"{self.answer} (reference)", f"{self.answer} (mutant)", lineterm="", n=1))


# --- reading the tasks --------------------------------------------------------------------------

def solution_lines(source: str) -> tuple[str, set[int]]:
    """The cell without its solution markers, and its lines (1-based) inside a solution region."""
    kept, region, inside = [], set(), False
    for line in source.splitlines():
        if MARKER.match(line + "\n"):
            inside = "BEGIN" in line
            continue
        kept.append(line)
        if inside:
            region.add(len(kept))
    return "\n".join(kept) + "\n", region


def tasks(assignment: str, root: Path) -> list[Task]:
    """Each answer cell of the set with the test cell after it, as in autograder.authoring.degenerate."""
    nb = nbformat.read(corpus.notebook_of(assignment, root=root), as_version=4)
    found, answer = [], None
    for cell in nb.cells:
        meta = cells.nbgrader_meta(cell)
        if meta.get("solution") and cell.cell_type == "code":
            answer = (meta["grade_id"], cell.source)
        elif cells.is_test_cell(cell) and answer is not None:
            code, region = solution_lines(answer[1])
            tree = ast.parse(code)
            found.append(Task(answer[0], meta["grade_id"], float(meta["points"]), ast.unparse(tree) + "\n", tree,
                              region))
            answer = None
    return found


def notebook_globals(assignment: str, root: Path) -> set[str]:
    """Names the release notebook binds at top level outside its answer cells (setup, checks, plots)."""
    names: set[str] = set()
    nb = nbformat.read(corpus.notebook_of(assignment, "release", root), as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or cells.nbgrader_meta(cell).get("solution"):
            continue
        try:
            tree = ast.parse(MAGIC.sub(r"\1# \2", cells.split_hidden(cell.source)[0]))
        except SyntaxError:
            continue
        for node in _top_level(tree.body):
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names |= {(a.asname or a.name).split(".")[0] for a in node.names}
            targets = {ast.Assign: lambda n: n.targets, ast.AugAssign: lambda n: [n.target],
                       ast.AnnAssign: lambda n: [n.target], ast.For: lambda n: [n.target],
                       ast.With: lambda n: [i.optional_vars for i in n.items if i.optional_vars]}
            for target in targets.get(type(node), lambda n: [])(node):
                names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
    return names


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements run at module level: the body, and the bodies of its if/for/while/with/try blocks."""
    for node in body:
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for name in ("body", "orelse", "finalbody"):
                yield from _top_level(getattr(node, name, []) or [])
            for handler in getattr(node, "handlers", []) or []:
                yield from _top_level(handler.body)


def task_mutants(task: Task, globals_: set[str], assignment: str = "") -> list[Mutant]:
    """Every compilable mutant of one answer cell, without duplicates (the same code made twice)."""
    made, seen = [], {task.original}
    for index, site in sites(task, globals_):
        for operator_name, operator in OPERATORS.items():
            for change, edit in operator(site):
                try:
                    code = ast.unparse(ast.fix_missing_locations(apply_edit(task.tree, index, edit))) + "\n"
                    compile(code, f"<mutant of {task.answer}>", "exec")
                except (SyntaxError, ValueError, TypeError, AttributeError, IndexError):
                    continue
                if code not in seen:
                    seen.add(code)
                    made.append(Mutant(assignment, task.answer, task.check, operator_name, change, task.original, code))
    return made


def code_task(code: str, answer: str = "answer", check: str = "check") -> Task:
    """A task whose whole cell is the solution region (for trying the operators on any code)."""
    tree = ast.parse(code)
    return Task(answer, check, 1.0, ast.unparse(tree) + "\n", tree, set(range(1, len(code.splitlines()) + 1)))


def mutants(assignment: str, root: Path) -> list[Mutant]:
    """Every compilable mutant of every answer cell of `assignment`, without duplicates."""
    globals_ = notebook_globals(assignment, root)
    return [m for task in tasks(assignment, root) for m in task_mutants(task, globals_, assignment)]


# --- the equivalents file -----------------------------------------------------------------------

@dataclass
class Equivalent:
    cell: str
    mutant: str
    reason: str
    change: str = ""

    @property
    def ident(self) -> str:
        return f"{self.cell}/{self.mutant}"


def read_equivalents(root: Path) -> dict[str, list[Equivalent]]:
    """{assignment: [entries]} from hidden_tests/equivalent_mutants.toml; every entry needs a reason."""
    path = Course(root).hidden_tests / EQUIVALENTS
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text())
    found: dict[str, list[Equivalent]] = {}
    for assignment, entries in data.items():
        for entry in entries:
            if not entry.get("reason", "").strip() or not entry.get("cell") or not entry.get("mutant"):
                raise ValueError(f"{path}: [[{assignment}]] entry {entry} needs cell, mutant and a reason")
            found.setdefault(assignment, []).append(
                Equivalent(entry["cell"], entry["mutant"], entry["reason"].strip(), entry.get("change", "")))
    return found


# --- grading and the report ---------------------------------------------------------------------

@dataclass
class MutantResult:
    mutant: Mutant
    status: str                  # "killed", "survived" or "equivalent"
    score: float                 # the points of its own cell
    others: dict[str, float]     # the points of every other cell (stubs: 0 unless a mutant changes them)
    reason: str = ""             # an equivalent's reason

    def as_dict(self) -> dict:
        m = self.mutant
        return {"assignment": m.assignment, "cell": m.answer, "mutant": m.key, "operator": m.operator,
                "change": m.change, "status": self.status, "score": self.score, "diff": m.diff,
                "reason": self.reason}


@dataclass
class SetResult:
    assignment: str
    results: list[MutantResult]
    stale: list[Equivalent] = field(default_factory=list)            # entries that match no mutant
    unjudged: dict[str, float] = field(default_factory=dict)         # tasks whose control lost points
    leaks: list[tuple[MutantResult, str]] = field(default_factory=list)  # other cells a mutant changed
    seconds: float = 0.0      # of the whole run that graded it (the sets are graded side by side)

    def count(self, status: str) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def score(self) -> float:
        judged = len(self.results) - self.count("equivalent")
        return self.count("killed") / judged if judged else 1.0

    @property
    def survivors(self) -> list[MutantResult]:
        return [r for r in self.results if r.status == "survived"]


def control_student(task: Task) -> str:
    return f"control-{task.answer.removesuffix('-answer')}"


def set_entries(assignment: str, made: list[Mutant], root: Path, elsewhere: str = "release") -> list:
    """The students of one run: a control per task, then every mutant. `elsewhere` is what the other
    answer cells hold: "release" (the stubs) or "reference"."""
    found = [corpus.Entry(assignment, control_student(task),
                          Case(Path(f"<control: {assignment}/{task.answer}>"), elsewhere, {},
                               replace={task.answer: task.original}))
             for task in tasks(assignment, root)]
    for m in made:
        found.append(corpus.Entry(assignment, m.student, Case(Path(f"<mutant: {m.ident}>"), elsewhere, {},
                                                              replace={m.answer: m.code}, description=m.change)))
    return found


def grade_lane(course: Path, jobs: list[tuple[str, list[Mutant]]], root: Path,
               elsewhere: str = "release") -> dict[str, dict[str, dict[str, float]]]:
    """In `course`, the controls and the given mutants of each (set, mutants) job, graded in one
    `nbgrader autograde "*"` (one start-up for all the sets): {set: {student: {grade_id: score}}}."""
    limits = [f"--Limits.{name}={value}" for name, value in LIMITS.items()]
    corpus.nbgrader(course, "generate_assignment", "*", "--force")
    for assignment, made in jobs:
        for entry in set_entries(assignment, made, root, elsewhere):
            corpus.write_submission(course, entry, root)
    corpus.nbgrader(course, "autograde", "*", "--force", *limits)
    return {assignment: corpus.gradebook_scores(course, assignment) for assignment, _ in jobs}


def judge(assignment: str, made: list[Mutant], runs: list[dict[str, dict[str, float]]], root: Path,
          seconds: float = 0.0) -> SetResult:
    """The set's result from the scores of its runs (each holds the controls and some of the mutants)."""
    full = corpus.full_points(assignment, root)
    listed = {e.ident: e for e in read_equivalents(root).get(assignment, [])}
    result = SetResult(assignment, [], seconds=seconds)
    controls = {}
    for task in tasks(assignment, root):
        got = [run[control_student(task)] for run in runs]
        controls[task.answer] = got[0]
        if any(g.get(task.check, 0.0) < full[task.check] - 0.011 for g in got):
            result.unjudged[task.answer] = min(g.get(task.check, 0.0) for g in got)
    scores = {student: got for run in runs for student, got in run.items()}
    for m in made:
        if m.answer in result.unjudged:
            continue
        got = scores.get(m.student, {})
        own = got.get(m.check, float("nan"))
        others = {cell: points for cell, points in got.items() if cell != m.check}
        if m.ident in listed:
            status, reason = "equivalent", listed[m.ident].reason
        else:
            status, reason = ("survived" if own >= full[m.check] - 0.011 else "killed"), ""
        r = MutantResult(m, status, own, others, reason)
        result.results.append(r)
        control = controls[m.answer]
        for cell, points in others.items():
            if abs(points - control.get(cell, points)) > 0.011:
                result.leaks.append((r, f"{cell}: {points:g} (control {control.get(cell, 0):g})"))
    made_ids = {m.ident for m in made}
    result.stale = [e for e in listed.values() if e.ident not in made_ids]
    return result


def run(sets: list[str] | None, root: Path, elsewhere: str = "release",
        scratch: Path | None = None, workers: int = 1) -> list[SetResult]:
    """Grade the mutants of each set (default: every set) in scratch copies of the course.

    The mutants of each set are dealt to `workers` lanes, each a course copy that grades its share of
    every set in one `nbgrader autograde`, beside the other lanes."""
    import tempfile
    import time
    from concurrent.futures import ThreadPoolExecutor

    sets = sets or corpus.assignments(root)
    unknown = set(sets) - set(corpus.assignments(root))
    if unknown:
        raise ValueError(f"no such set: {', '.join(sorted(unknown))}")
    start = time.monotonic()
    made = {assignment: mutants(assignment, root) for assignment in sets}
    workers = max(1, workers)
    lanes = [[(assignment, made[assignment][k::workers]) for assignment in sets] for k in range(workers)]
    with tempfile.TemporaryDirectory(prefix="kit-mutants-", dir=scratch) as folder:
        courses = [corpus.copy_course(Path(folder) / f"course-{k}", root) for k in range(workers)]
        with ThreadPoolExecutor(workers) as pool:
            graded = list(pool.map(lambda k: grade_lane(courses[k], lanes[k], root, elsewhere), range(workers)))
    seconds = time.monotonic() - start
    return [judge(assignment, made[assignment], [lane[assignment] for lane in graded], root, seconds) for assignment in sets]


def format_report(results: list[SetResult]) -> str:
    lines = []
    for s in results:
        lines.append(f"== {s.assignment}: {len(s.results)} mutants, {s.count('killed')} killed, "
                     f"{s.count('survived')} survived, {s.count('equivalent')} equivalent: "
                     f"mutation score {s.score:.1%}")
        for answer, points in s.unjudged.items():
            lines.append(f"   NOT JUDGED: {answer}: the unmutated answer scored {points:g}, not full marks")
        for r in s.survivors:
            lines.append(f"-- survivor {r.mutant.ident} [{r.mutant.operator}] {r.mutant.change}")
            lines.append(r.mutant.diff)
        for r in s.results:
            if r.status == "equivalent":
                lines.append(f"   equivalent {r.mutant.ident}: {r.mutant.change} ({r.reason})")
        for e in s.stale:
            lines.append(f"   STALE equivalent entry {e.ident} ({e.change}): matches no mutant; remove or update it")
        for r, what in s.leaks:
            lines.append(f"   LEAK: mutant {r.mutant.ident} ({r.mutant.change}) changed another cell, {what}")
        lines.append("")
    total = [r for s in results for r in s.results]
    killed = sum(r.status == "killed" for r in total)
    judged = sum(r.status != "equivalent" for r in total)
    lines.append(f"all sets: {len(total)} mutants, {killed} killed, {judged - killed} survived, "
                 f"{len(total) - judged} equivalent: mutation score {killed / judged if judged else 1:.1%}")
    return "\n".join(lines)
