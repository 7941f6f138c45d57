"""Grade one notebook file outside the course's gradebook: for CI, quick checks and hosted graders.

It is `nbgrader autograde` itself, with the course's configuration (the kit's preprocessors and
exporter, its hidden tests and limits), run through nbgrader's API in a scratch course that holds
the one source notebook (released there by `nbgrader generate_assignment`), a gradebook of its own
and the submission: the file and the regular files beside it (within c.Limits.files_mb). The scores
are what that gradebook recorded, the messages what the engine wrote; nothing of the course changes.
Unlike the course's collect, autograde and Gradescope runs, a copy of the source notebook is graded
(instructors check the reference this way).
"""
from __future__ import annotations

import importlib
import tempfile
import threading
import warnings
from pathlib import Path

from nbgrader.api import Gradebook
from sqlalchemy.exc import SAWarning

from autograder.grading.run import GradingRun
from autograder.grading.submission_files import NotARegularFile, read_regular_file, read_submission
from autograder.nbgrader.command import api as nbgrader_api
from autograder.nbgrader.course import Course, load_config
from autograder.results.model import read_graded_submission
from autograder.results.writers import as_json
from autograder.sandbox import Limits

STUDENT = "student"  # the scratch course's one student


def find_source(notebook: Path, course: Course) -> Path:
    """source/<assignment>/<name>.ipynb for a submission named <name>.ipynb."""
    beside = course.source(notebook.parent.name, notebook.stem) if notebook.parent.name else None
    if beside is not None and beside.exists():
        return beside
    candidates = [course.source(a, notebook.stem) for a in course.assignments()
                  if course.source(a, notebook.stem).exists()]
    if len(candidates) != 1:
        raise FileNotFoundError(f"no single source notebook named {notebook.name} under {course.source('')}: "
                                f"pass --source")
    return candidates[0]


def scratch_api(course: Course, folder: Path, limits: Limits):
    """nbgrader's API over a scratch course in `folder` with `course`'s configuration: its hidden tests
    and `limits`, a gradebook of its own, and no course files to refuse copies of (a copy of the
    source notebook is graded)."""
    config = load_config(course.root, for_nbgrader=True)
    config.GradeWithHiddenTests.hidden_tests = str(course.hidden_tests)
    config.CourseFiles.paths = []
    for name in limits.trait_names(config=True):
        setattr(config.Limits, name, getattr(limits, name))
    return nbgrader_api(folder, f"sqlite:///{folder / 'gradebook.db'}", config)


def grade_file(path: Path, source: Path | None = None, limits: Limits | None = None,
               course: Course | None = None) -> dict:
    """Grade the notebook at `path` by the hidden tests of `course` (default: the course in the current
    folder), within `limits` (default: the course's, c.Limits); per-cell results as plain data."""
    course = course if course is not None else Course()
    limits = limits if limits is not None else course.limits
    path = Path(path).absolute()  # not resolved: a link is not followed
    source = Path(source) if source else find_source(path, course)
    assignment, name = source.parent.name, source.stem
    # the notebook and the files beside it as a submission's are read: regular files, within limits
    try:  # bounded as any submitted file; nbgrader's reading of it checks c.Limits.notebook_mb and says so
        notebook = read_regular_file(path, limits.files_mb << 20)
    except NotARegularFile:
        notebook = None  # graded as missing: 0, and the reason
    beside = read_submission(path.parent, limits.files_mb << 20).files
    GradingRun.instance().start_sandbox(limits)  # the zygote's imports overlap nbgrader's steps below
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
        api = scratch_api(course, Path(tmp), limits)
        scratch = Course(directory=api.coursedir)
        # a new gradebook runs the `alembic` command once: meanwhile this process imports the engine (torch)
        gradebook = threading.Thread(target=lambda: Gradebook(scratch.db_url, api.coursedir.course_id).close())
        gradebook.start()
        importlib.import_module("autograder.grading.engine")
        gradebook.join()
        scratch.source(assignment).mkdir(parents=True)
        scratch.source(assignment, name).write_bytes(source.read_bytes())
        released = api.generate_assignment(assignment, force=True, create=True)
        if not released["success"]:
            raise ValueError(f"nbgrader generate_assignment failed on {source}: "
                             f"{(released['log'] + released['error'])[-3000:]}")
        submitted = scratch.submitted(STUDENT, assignment)
        submitted.mkdir(parents=True)
        for relative, data in beside.items():
            if not relative.endswith(".ipynb"):
                (submitted / relative).parent.mkdir(parents=True, exist_ok=True)
                (submitted / relative).write_bytes(data)
        if notebook is not None:
            (submitted / f"{name}.ipynb").write_bytes(notebook)
        with warnings.catch_warnings():  # SQLAlchemy's about nbgrader's own session use: not the user's business
            warnings.simplefilter("ignore", SAWarning)
            run = api.autograde(assignment, STUDENT, force=True, create=True)
        try:
            result = read_graded_submission(scratch, assignment, STUDENT)
        except ValueError:
            raise ValueError(f"nbgrader autograde could not grade {path}: "
                             f"{(run.get('error') or run.get('log') or '')[-2000:]}") from None
    return as_json(str(path), str(source), result.cells)
