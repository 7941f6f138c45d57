"""Re-release a set that students have submitted, and clear the demo's students before a semester.

`rerelease` does in a scratch copy of the course what can fail (the solutions and the exercise
structure from source/, `nbgrader generate_assignment` with a gradebook of its own), and only then
changes the course: the set's source notebooks and solutions/ module, release/<set> swapped in whole,
and the gradebook's cells updated with submissions kept (autograder/nbgrader/release_cells.py).
A failure before that leaves the course as it was, release/ byte for byte.

`clean_demo` removes what `./kit demo` adds: the sample class's students (tests/sample_class/),
their submitted/, autograded/ and feedback/ folders and their gradebook rows.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from autograder.authoring import corpus
from autograder.authoring.solutions import solution_path, write_solutions
from autograder.nbgrader.course import Course
from autograder.nbgrader.gradebook import sqlite_path
from autograder.nbgrader.release_cells import CellChanges, remove_students, update_cells


def rerelease(assignment: str, root: Path) -> CellChanges:
    """Regenerate `assignment`'s release from its source and update the gradebook (see the module)."""
    course = Course(root)
    if not course.source(assignment).is_dir():
        raise ValueError(f"no set {assignment!r}: {course.source(assignment)} is not a folder")
    with tempfile.TemporaryDirectory(prefix="kit-rerelease-") as tmp:
        scratch = corpus.copy_course(Path(tmp) / "course", root)
        fresh_db = f"sqlite:///{Path(tmp) / 'fresh.db'}"
        write_solutions(scratch, [assignment])
        fresh = Course(scratch)
        shutil.rmtree(fresh.release(assignment), ignore_errors=True)
        run = corpus.nbgrader(scratch, "generate_assignment", assignment, "--force", "--log-level=ERROR",
                              f"--CourseDirectory.root={scratch}", f"--CourseDirectory.db_url={fresh_db}",
                              check=False)
        if run.returncode != 0:
            raise ValueError(f"nbgrader generate_assignment {assignment} failed on the new source, so nothing "
                             f"was changed (release/ kept as it was): {(run.stderr or run.stdout)[-2000:].strip()}")
        # nothing of the course has changed yet. The gradebook first, in one transaction (the likelier
        # failure: a database in use), then files, each replaced whole
        db_file = sqlite_path(course.db_url)
        if db_file is not None and not db_file.exists():  # a course without a gradebook gets the fresh one
            shutil.copyfile(Path(tmp) / "fresh.db", db_file)
        changes = update_cells(course.db_url, course.directory.course_id, assignment, fresh_db)
        for nb_path in sorted(fresh.source(assignment).glob("*.ipynb")):
            shutil.copyfile(solution_path(nb_path, scratch), solution_path(nb_path, root))
            shutil.copyfile(nb_path, course.source(assignment) / nb_path.name)
        _swap_in(fresh.release(assignment), course.release(assignment))
    return changes


def _swap_in(fresh: Path, release: Path) -> None:
    """Put the folder `fresh` where `release` is, the old one kept aside until the new one is in place."""
    release.parent.mkdir(parents=True, exist_ok=True)
    staged = Path(tempfile.mkdtemp(prefix=f".{release.name}-new-", dir=release.parent))
    shutil.copytree(fresh, staged, dirs_exist_ok=True)
    old = release.with_name(f".{release.name}-old") if release.exists() else None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        release.rename(old)
    staged.rename(release)
    if old is not None:
        shutil.rmtree(old)


def describe(assignment: str, changes: CellChanges) -> str:
    """What a re-release kept and lost, and what to run next, for the instructor."""
    lines = [f"{assignment}: release/{assignment} regenerated; {changes.submissions} submission(s) kept "
             "(submitted/ and autograded/ untouched, the grades of every cell that still exists kept)"]
    for notebook, cell in changes.added:
        lines.append(f"  added {notebook}/{cell}: each submission's grade for it is empty until autograded")
    for notebook, cell, old, new in changes.points:
        lines.append(f"  points of {notebook}/{cell}: {old:g} -> {new:g} (autograde again to rescale)")
    for notebook, cell in changes.removed:
        lines.append(f"  removed {notebook}/{cell}")
    for notebook in changes.notebooks_added:
        lines.append(f"  added notebook {notebook}")
    for notebook in changes.notebooks_removed:
        lines.append(f"  removed notebook {notebook}")
    lost = (f"lost: {changes.grades_lost} grade(s) of removed cells ({changes.manual_grades_lost} entered by hand)"
            if changes.grades_lost else "lost: nothing")
    lines.append(lost)
    if changes.submissions and (changes.added or changes.points or changes.notebooks_added):
        lines.append(f"next: nbgrader autograde {assignment} --force (or python -m autograder grade-class "
                     f"{assignment}) grades the submissions against the new release")
    return "\n".join(lines)


def demo_students(root: Path) -> list[str]:
    """The students `./kit demo` submits for (python -m autograder sample-class)."""
    folder = Course(root).sample_class
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def clean_demo(root: Path) -> list[Path | str]:
    """Remove the demo's students' folders and gradebook rows; returns what it removed."""
    course = Course(root)
    students = demo_students(root)
    removed: list[Path | str] = []
    for student in students:  # <step>/<student>/ with every assignment in it
        for folder in (course.submitted(student, "x").parent, course.autograded(student, "x").parent,
                       course.feedback(student, "x").parent):
            if folder.is_symlink():
                folder.unlink()
            elif folder.is_dir():
                shutil.rmtree(folder)
            else:
                continue
            removed.append(folder)
    db_file = sqlite_path(course.db_url)
    if db_file is not None and not db_file.exists():
        return removed  # no gradebook: nothing to open (opening one would create it)
    removed += [f"gradebook: student {s}" for s in remove_students(course.db_url, course.directory.course_id, students)]
    return removed
