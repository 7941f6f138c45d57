"""The kit as a Gradescope autograder: one submission in, one results.json out.

Gradescope runs `run_autograder` in a fresh container per submission, with the student's files
in /autograder/submission and the result expected in /autograder/results/results.json
(https://gradescope-autograders.readthedocs.io/en/latest/specs/). `grade_submission` puts the
notebooks where nbgrader looks for a submission, grades them with `nbgrader autograde` (the kit's
engine, sandbox and hidden tests, as for any class) and writes the gradebook's result in
Gradescope's format. Whatever is wrong with the submission, a results.json is written that says
what, because Gradescope shows a student nothing but "autograder failed" otherwise; an assignment
the course does not have is the instructor's mistake and stops with a message.
"""
from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path, PurePath

from autograder.grading.submission_files import read_submission, stand_in_notebook
from autograder.grading.text import printable
from autograder.nbgrader import gradebook
from autograder.nbgrader.command import api as nbgrader_api
from autograder.nbgrader.course import Course
from autograder.nbgrader.submission_guard import notebook_digests
from autograder.results.model import read_graded_submission, ungraded_submission
from autograder.results.writers import as_gradescope

STUDENT = "student"  # each container grades one submission; nbgrader needs a student id for it


def expected_notebooks(course: Course, assignment: str) -> list[str]:
    """The assignment's notebook names, from the gradebook; the assignment is released first if it is not there."""
    if assignment not in course.assignments():
        raise ValueError(f"no assignment {assignment!r} in {course.source('')} "
                         f"(it has: {', '.join(course.assignments())})")
    names = gradebook.notebook_names(course.db_url, assignment)
    if names is None:  # `nbgrader generate_assignment`, in this process (one start-up, not two)
        released = nbgrader_api(course.root).generate_assignment(assignment, force=True, create=True)
        if not released["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {assignment} failed:\n"
                               f"{(released['log'] + released['error'])[-5000:]}")
        names = gradebook.notebook_names(course.db_url, assignment)
    return names


def match_notebooks(course: Course, submission: Path, expected: list[str]) -> tuple[dict[str, bytes], list[str]]:
    """{notebook name: submitted notebook} and notes for the student on files found under other names or not at all.

    The submission's files are read as everywhere they enter (`grading.submission_files`): regular
    files only, so a link (to the course's solutions, say) or a copy of a course file is not the
    student's work, and the notes say why such a notebook was not read. An exact name wins,
    at the shallowest depth; a lone notebook is taken for a lone expected one whatever its name
    (Gradescope keeps the uploaded name, such as `tensors (1).ipynb`).
    """
    taken = read_submission(submission, course.limits.files_mb << 20, course_digests=notebook_digests(course.directory))
    files = taken.files
    found = sorted((PurePath(name) for name in files if name.endswith(".ipynb")),
                   key=lambda path: (len(path.parts), str(path)))
    matched = {}
    notes = [f"{printable(refused.name)} was not read: {refused.reason}." for refused in taken.refused
             if refused.name.endswith(".ipynb")]
    stand_in = stand_in_notebook(expected, [path.name for path in found])
    for name in expected:
        exact = [path for path in found if path.name == f"{name}.ipynb"]
        if exact:
            matched[name] = files[str(exact[0])]
        elif stand_in:
            matched[name] = files[str(found[0])]
            notes.append(f"Graded {found[0].name} as {name}.ipynb.")
        else:
            others = ", ".join(path.name for path in found) or "no notebook at all"
            notes.append(f"{name}.ipynb is not in your submission (it has {others}): its cells score 0.")
    return matched, notes


def grade_submission(course: Course, assignment: str, submission: Path, results: Path) -> dict:
    """Grade the notebooks in `submission` as `assignment` and write `results` (Gradescope's results.json)."""
    matched, notes = match_notebooks(course, submission, expected_notebooks(course, assignment))
    folder = course.submitted(STUDENT, assignment)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, data in matched.items():
        (folder / f"{name}.ipynb").write_bytes(data)
    if not matched:
        result = as_gradescope(ungraded_submission(course, assignment, STUDENT, " ".join(notes)))
    else:
        # `nbgrader autograde` for this one student, in this process (one start-up, not two)
        run = nbgrader_api(course.root).autograde(assignment, STUDENT, force=True, create=True)
        try:
            result = as_gradescope(read_graded_submission(course, assignment, STUDENT))
        except ValueError:  # nbgrader recorded no grade: its log goes to the instructors' view, not the student's
            print((run.get("log", "") + run.get("error", ""))[-5000:], file=sys.stderr)
            result = as_gradescope(ungraded_submission(course, assignment, STUDENT, "The grader could not grade this submission "
                                              "(nbgrader autograde failed); your instructor can see why."))
        if notes:
            result["output"] = " ".join([*notes, result["output"]])
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, indent=2) + "\n")
    return result
