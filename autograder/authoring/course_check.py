"""`python -m autograder check-course [SET ...]`: is a course, of any content, ready to hand out?

It applies the rules every course keeps, and none of one lesson's own (how many exercises a set
has, the README's tables: those stay in that lesson's tests):

- each source notebook's structure (authoring/exercises.py): exercises under their headings, one
  graded cell each, headings, contents and points line in step with the metadata; each task states
  its expected output, folds its hint, and its check ends by printing one line and names hidden
  test classes that exist;
- solutions/ regenerated from source/, release/ as `nbgrader generate_assignment` makes it;
- each set has a blank example submission, and every case file is well formed;
- graded through nbgrader in a scratch copy (one autograde per set): every example submission
  earns its expected points, and the reference passes its visible checks, printing the line its
  task's text shows;
- with `mutants`, every set's mutation score is at least mutants.MIN_SCORE.

Each problem names the file to edit, and the line or cell in it.
"""
from __future__ import annotations

import ast
import copy
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.authoring import corpus, exercises, mutants
from autograder.authoring.solutions import solution_module, solution_path, write_solutions
from autograder.authoring.submissions import Case, read_case
from autograder.grading import cell_result, cells
from autograder.nbgrader.course import Course

HINT = re.compile(r"<details><summary>Hint</summary>\n\n.+?\n</details>", re.DOTALL)


@dataclass
class Problem:
    where: str    # the file, and the line or cell in it, to edit
    message: str
    fatal: bool = False  # the notebook cannot be read as exercises, so it cannot be graded either

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _cell_where(nb_path: Path, nb, cell, root: Path) -> str:
    index = next(i for i, c in enumerate(nb.cells) if c is cell)
    name = cells.nbgrader_meta(cell).get("grade_id") or cell.get("id", "")
    return f"{nb_path.relative_to(root)}, cell {index}" + (f" ({name})" if name else "")


def exercise_problems(exercise) -> list[str]:
    """What one task breaks of the rules every task keeps (a written answer: its question only)."""
    if exercise.written:
        question = exercise.heading.source.split("\n", 1)[1:]
        return [] if question and question[0].strip() else ["the heading cell should hold the written question"]
    found = []
    if not exercise.expected_output:
        found.append("states no expected output: '**Expected output**', then a fenced block with the line "
                     "its check prints")
    if not HINT.search(exercise.heading.source):
        found.append("no folded hint: '<details><summary>Hint</summary>', a blank line, the hint, '</details>'")
    elif "Hint" in HINT.sub("", exercise.heading.source):
        found.append("a hint outside <details>: fold it")
    if exercise.check is None or exercise.answer is None:
        return found + ["a task needs an answer cell (solution) and an autograded check cell"]
    try:
        visible, _ = cells.split_hidden(exercise.check.source)
        tree = ast.parse(visible)
    except (cells.AuthoringError, SyntaxError) as error:
        return found + [f"its check cell: {error}"]
    prints = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name) and node.func.id == "print"]
    last = tree.body[-1] if tree.body else None
    if not (len(prints) == 1 and isinstance(last, ast.Expr) and last.value is prints[0]):
        found.append("its check should end with one print, the line it prints when it passes")
    return found


def notebook_problems(nb_path: Path, root: Path) -> list[Problem]:
    """The structure of one source notebook, and its solutions module."""
    rel = nb_path.relative_to(root)
    try:
        nb = nbformat.read(nb_path, as_version=4)
        found = exercises.exercises(nb)
        drifted = exercises.with_structure(copy.deepcopy(nb))
    except (cells.AuthoringError, ValueError, OSError) as error:
        return [Problem(str(rel), str(error), fatal=True)]
    problems = [Problem(str(rel), "its headings, contents or points line differ from the cells' metadata: run "
                                  "python -m autograder solutions")] if drifted else []
    if not found:
        problems.append(Problem(str(rel), "no '## Exercise N: name' heading with a graded cell under it", True))
    hidden = Course(root).hidden_tests
    for exercise in found:
        where = _cell_where(nb_path, nb, exercise.heading, root) + f", exercise {exercise.number} ({exercise.name})"
        problems += [Problem(where, text) for text in exercise_problems(exercise)]
        if exercise.check is not None:
            try:
                items = cells.split_hidden(exercise.check.source)[1] if not exercise.written else []
            except cells.AuthoringError:
                items = []  # named above
            for item in items:
                path, class_name = cells.item_class(item, hidden)
                text = Path(path).read_text() if Path(path).is_file() else ""
                if not re.search(rf"^class {class_name}\b", text, re.MULTILINE):
                    problems.append(Problem(_cell_where(nb_path, nb, exercise.check, root),
                                            f"grade({item!r}) names no class {class_name} in "
                                            f"{Path(path).relative_to(root)}"))
    target = solution_path(nb_path, root)
    if not target.exists() or target.read_text() != solution_module(nb_path, root):
        problems.append(Problem(str(target.relative_to(root)), f"differs from the solution cells of {rel}: run "
                                                               "python -m autograder solutions"))
    return problems


def _case_problem(path: Path, error: ValueError, root: Path) -> Problem:
    """read_case's and build_notebook's errors start with the case's path (and line): the where."""
    line, _, message = str(error).removeprefix(str(path)).removeprefix(":").partition(": ")
    if not line.isdigit():
        line, message = "", str(error).removeprefix(f"{path}: ")
    return Problem(f"{path.relative_to(root)}" + (f":{line}" if line else ""), message)


def case_problems(assignment: str, root: Path) -> list[Problem]:
    """Every case file reads, and the set has a blank example submission."""
    problems, blank = [], False
    for path in sorted(root.glob(f"tests/cases/{assignment}/*.py")) + sorted(
            root.glob(f"tests/sample_class/*/{assignment}/*.py")):
        try:
            case = read_case(path)
        except ValueError as error:
            problems.append(_case_problem(path, error, root))
            continue
        blank |= case.base == "release" and not case.replace and not case.insert_after and not case.expect
    if not blank:
        problems.append(Problem(f"tests/cases/{assignment}/blank.py", "no blank example submission: write this "
                                "file holding '# base: release' (the release notebook handed in as it is: 0)"))
    return problems


def static_problems(sets: list[str], root: Path) -> list[Problem]:
    problems = []
    for assignment in sets:
        problems += notebook_problems(corpus.notebook_of(assignment, root=root), root)
        problems += case_problems(assignment, root)
    return problems


def _expect_line(path: Path) -> int:
    try:
        lines = path.read_text().splitlines()
    except OSError:  # gone since it was graded
        return 1
    return 1 + next((n for n, text in enumerate(lines) if text.startswith("# expect:")), 0)


def _printed(outputs: list) -> list[str]:
    return "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream"
                   and o.get("name") == "stdout").splitlines()


def graded_problems(sets: list[str], root: Path) -> list[Problem]:
    """Release each set in a scratch copy (solutions regenerated there), grade every example
    submission and the reference through nbgrader, and compare with what the course states."""
    problems = []
    with tempfile.TemporaryDirectory(prefix="kit-check-course-") as scratch:
        course = corpus.copy_course(Path(scratch) / "course", root)
        write_solutions(course, sets)
        reference = Case(Path("reference"), "reference", {})
        graded = [e for e in corpus.entries(root) if e.assignment in sets] + [
            corpus.Entry(assignment, corpus.REFERENCE, reference) for assignment in sets]
        # built on the scratch course's fresh release: what the source makes, released or not
        for assignment in sets:
            corpus.nbgrader(course, "generate_assignment", assignment, "--force")
        built = []
        for entry in graded:
            try:
                corpus.write_submission(course, entry, course)
                built.append(entry)
            except ValueError as error:  # a case that names a cell the notebook no longer has
                problems.append(_case_problem(entry.case.path, error, root))
        graded = built
        for assignment in sets:
            corpus.nbgrader(course, "autograde", assignment, "--force")
        for assignment in sets:
            committed, fresh = (corpus.notebook_of(assignment, "release", r) for r in (root, course))
            if not committed.exists() or json.loads(committed.read_text()) != json.loads(fresh.read_text()):
                problems.append(Problem(str(committed.relative_to(root)), "differs from what nbgrader "
                                        f"generate_assignment makes of {corpus.notebook_of(assignment, root=root).relative_to(root)}: "
                                        f"run nbgrader generate_assignment {assignment} --force (a set with "
                                        "submissions: see docs/authoring.md)"))
        for row in corpus.accuracy_rows(course, graded, course):
            if row.ok:
                continue
            got = f"earns {row.actual:g} of {corpus.full_points(row.entry.assignment, course)[row.grade_id]:g}"
            if row.entry.student == corpus.REFERENCE:
                message = corpus.first_message(course, corpus.REFERENCE, row.entry.assignment, row.grade_id)
                problems.append(Problem(f"{corpus.notebook_of(row.entry.assignment, root=root).relative_to(root)}",
                                        f"the reference answer of {row.grade_id} {got}: {message[:200]}"))
            else:
                message = corpus.first_message(course, row.entry.student, row.entry.assignment, row.grade_id)
                path = row.entry.case.path
                problems.append(Problem(f"{path.relative_to(root)}:{_expect_line(path)}",
                                        f"{row.grade_id} {got}, the case expects {row.expected:g}"
                                        + (f" (its feedback: {message[:160]})" if message else "")))
        for assignment in sets:
            problems += visible_check_problems(course, assignment, root)
    return problems


def visible_check_problems(course: Path, assignment: str, root: Path) -> list[Problem]:
    """The reference's check cells print the line each task's text shows as its expected output."""
    source = corpus.notebook_of(assignment, root=root)
    graded = nbformat.read(Course(course).autograded(corpus.REFERENCE, assignment, assignment), as_version=4)
    outputs = {cells.nbgrader_meta(c).get("grade_id"): c.get("outputs", []) for c in graded.cells}
    nb = nbformat.read(source, as_version=4)
    problems = []
    for exercise in exercises.exercises(nb):
        if exercise.written or exercise.check is None or not exercise.expected_output:
            continue
        grade_id = cells.nbgrader_meta(exercise.check).get("grade_id")
        printed = _printed(outputs.get(grade_id, []))
        failed = [m for m in cell_result.messages_in(outputs.get(grade_id, [])) if m.startswith("a visible check")]
        if failed or not any(exercises.matches_expected(exercise.expected_output, line) for line in printed):
            problems.append(Problem(_cell_where(source, nb, exercise.check, root),
                                    f"on the reference answer the visible check printed {printed[:2]}"
                                    f"{' and failed: ' + failed[0][:160] if failed else ''}; the task's "
                                    f"expected output says {exercise.expected_output!r}"))
    return problems


def mutant_problems(sets: list[str], root: Path) -> tuple[list[Problem], str]:
    results = mutants.run(sets, root)
    problems = [Problem(f"{cells.HIDDEN_TESTS}/test_{s.assignment}.py",
                        f"mutation score {s.score:.1%}, under {mutants.MIN_SCORE:.0%}: add tests that kill the "
                        "survivors above, or list true equivalents in "
                        f"{cells.HIDDEN_TESTS}/{mutants.EQUIVALENTS} with their reason")
                for s in results if s.score < mutants.MIN_SCORE or s.unjudged or s.stale or s.leaks]
    return problems, mutants.format_report(results)


def check_course(sets: list[str] | None, root: Path, with_mutants: bool = False,
                 say=print) -> list[Problem]:
    """Every problem of the course's sets (default: all), cheapest checks first; `say` reports progress."""
    known = corpus.assignments(root)
    sets = sets or known
    unknown = sorted(set(sets) - set(known))
    if unknown:
        raise ValueError(f"no such set under {Course(root).source('')}: {', '.join(unknown)}")
    problems = static_problems(sets, root)
    if any(p.fatal for p in problems):
        return problems
    say(f"grading the example submissions of {', '.join(sets)} through nbgrader (a minute or two a set)...")
    problems += graded_problems(sets, root)
    if with_mutants and not problems:
        say("making and grading the mutants of the reference answers (minutes)...")
        found, report = mutant_problems(sets, root)
        say(report)
        problems += found
    return problems
