"""A worker's own SQLite copy of the gradebook, and merging a copy back (`grade-class`, `merge`).

A class worker writes its students' grades into its own copy (`copy_gradebook`), so no two
processes write the same SQLite file; the process that started it merges the copy back
(`merge_gradebook`) with nbgrader's Gradebook API, one writer at a time. A Slurm array's shards
are merged the same way (`python -m autograder merge`).
"""
from __future__ import annotations

import fnmatch
import sqlite3
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry

from autograder.nbgrader.gradebook import sqlite_path


def copy_gradebook(source_url: str, target: Path, assignments: list[str], keep: list[str]) -> str:
    """Copy a gradebook into SQLite file `target`, without the submissions of `assignments` by anyone not in `keep`.

    The copy holds the assignment as `nbgrader generate_assignment` recorded it (cells, checksums,
    sources), so `nbgrader autograde` runs against it as against the original; merging the copy
    back then moves exactly the `keep` students' submissions.
    """
    source = sqlite_path(source_url)
    if source is None:
        raise ValueError(f"only a SQLite gradebook is copied, not {source_url}")
    if not source.exists():
        raise ValueError(f"no gradebook at {source}: run `nbgrader generate_assignment` first")
    target.parent.mkdir(parents=True, exist_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)  # a consistent snapshot, even while someone writes the source
    finally:
        src.close()
        dst.close()
    with Gradebook(f"sqlite:///{target}") as gradebook:
        for assignment in assignments:
            try:
                recorded = gradebook.find_assignment(assignment).submissions
            except MissingEntry:
                raise ValueError(f"{assignment} is not in {source}: run `nbgrader generate_assignment {assignment}` first")
            for student in [s.student.id for s in recorded if s.student.id not in keep]:
                gradebook.remove_submission(assignment, student)
    return f"sqlite:///{target}"


def merge_gradebook(source_url: str, target_url: str, assignment: str) -> list[str]:
    """Copy every submission of `assignment` (an id or a glob) in `source_url` into `target_url`.

    Returns the merged submissions: the students, or student/assignment when a glob named several.

    Per submission: the student, timestamp and extension; per notebook the flag and late penalty;
    per cell its grade (auto, manual, extra credit, needs-manual-grade) and comment. Rows are found
    by name, so the two gradebooks need not share ids.
    """
    merged = []
    with Gradebook(source_url) as src, Gradebook(target_url) as dst:
        matching = sorted(a.name for a in src.assignments if fnmatch.fnmatchcase(a.name, assignment))
        if not matching:
            known = ", ".join(sorted(a.name for a in src.assignments)) or "none"
            raise ValueError(f"no assignment matches {assignment!r} in {source_url} (it has: {known})")
        # A shard may have graded no one (more shards than students): nothing to merge, not an error.
        names = [name for name in matching if src.find_assignment(name).submissions]
        for name in names:
            merged += [student if len(names) == 1 else f"{student}/{name}"
                       for student in _merge_assignment(src, dst, name, target_url)]
    return merged


def _merge_assignment(src: Gradebook, dst: Gradebook, assignment: str, target_url: str) -> list[str]:
    merged = []
    try:
        dst.find_assignment(assignment)
    except MissingEntry:
        raise ValueError(f"{assignment} is not in {target_url}: run `nbgrader generate_assignment` with it first")
    for sub in sorted(src.find_assignment(assignment).submissions, key=lambda s: s.student.id):
        student = sub.student
        dst.update_or_create_student(student.id, first_name=student.first_name, last_name=student.last_name,
                                     email=student.email, lms_user_id=student.lms_user_id)
        dst.update_or_create_submission(assignment, student.id, timestamp=sub.timestamp, extension=sub.extension)
        for notebook in sub.notebooks:
            target_nb = dst.find_submission_notebook(notebook.name, assignment, student.id)
            target_nb.flagged = notebook.flagged
            target_nb.late_submission_penalty = notebook.late_submission_penalty
            for grade in notebook.grades:
                target = dst.find_grade(grade.name, notebook.name, assignment, student.id)
                for column in ("auto_score", "manual_score", "extra_credit", "needs_manual_grade"):
                    setattr(target, column, getattr(grade, column))
            for comment in notebook.comments:
                target = dst.find_comment(comment.name, notebook.name, assignment, student.id)
                target.auto_comment, target.manual_comment = comment.auto_comment, comment.manual_comment
        dst.db.commit()
        merged.append(student.id)
    return merged
