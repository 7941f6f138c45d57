"""What of a submission folder nbgrader may copy: regular files only, bounded, none a course file.

`nbgrader autograde` copies every file of `submitted/<student>/<assignment>/` into `autograded/`
following links (a link to `../../../source/...` becomes the source notebook; one to `/dev/zero`
fills the disk) and reads `timestamp.txt` whole, failing the submission when it cannot parse it.
`refuse_unsafe_files`, nbgrader's pre-convert hook (`c.Autograde.pre_convert_hook` in
nbgrader_config.py, so the command line and formgrader's button both run it), runs before those
steps: every file that `grading/submission_files.py` refuses (a link, a FIFO, a device, a copy of a
course file, too large) and a `timestamp.txt` that is not a small regular file holding a time is
renamed `<name>.kit-refused`, a name nbgrader ignores (`c.CourseDirectory.ignore`), and logged.
Nothing is deleted, and the submission is graded on what is left. The notebooks themselves are
read by the kit's exporter, which refuses links the same way (exporters.TolerantNotebookExporter).

nbgrader grades only notebooks named as the assignment's and fails a submission that has none
("No notebooks found"). The hook renames a lone notebook under another name (`ANN (1).ipynb`) to
the assignment's one notebook, as the LMS collectors do (nbgrader/lms.py), and says so; when no
notebook has an assignment notebook's name, those names are graded as missing: 0 with the reason
(the exporter's), and the run goes on. Other notebooks are skipped by nbgrader, with its warning.
"""
from __future__ import annotations

import logging
import os
import re
import sys

from nbgrader.coursedir import CourseDirectory
from nbgrader.utils import parse_utc
from traitlets import List, Unicode
from traitlets.config import Application, LoggingConfigurable

from autograder.grading.text import printable
from autograder.grading.run import GradingRun
from autograder.grading.submission_files import NotARegularFile, read_regular_file, read_submission, stand_in_notebook
from autograder.nbgrader import gradebook, progress
from autograder.nbgrader.course import Course
from autograder.sandbox import Limits

REFUSED_SUFFIX = ".kit-refused"
TIMESTAMP = "timestamp.txt"
MAX_TIMESTAMP_BYTES = 100

log = logging.getLogger(__name__)


class CourseFiles(LoggingConfigurable):
    """The files of the course that no submission may hold a copy of."""

    paths = List(Unicode(), ["source", "release", "solutions", "hidden_tests", "gradebook.db"],
                 help="Folders and files, relative to the course root, whose files a submission may not copy"
                 ).tag(config=True)


def course_digests(coursedir: CourseDirectory, config=None) -> dict[str, str]:
    """{sha256: course file} of the course's own files, read once per grading run (again when one changes)."""
    config = config or coursedir.config
    paths = list(dict.fromkeys([*(os.path.join(coursedir.root, path) for path in CourseFiles(config=config).paths),
                                str(Course(directory=coursedir).hidden_tests)]))
    return {digest: os.path.relpath(name, coursedir.root)
            for digest, name in GradingRun.instance().course_file_digests(paths).items()}


def notebook_digests(coursedir: CourseDirectory, config=None) -> dict[str, str]:
    """The course files no submitted file may be a copy of: all but the release's, which the student
    was given (an unedited release notebook is a submission, worth 0 by the usual rules)."""
    released = coursedir.release_directory + os.sep
    return {digest: name for digest, name in course_digests(coursedir, config).items() if not name.startswith(released)}


def refuse_unsafe_files(assignment=None, student=None, notebooks=(), **_) -> None:
    """nbgrader's pre-convert hook: set aside what of the submission folder must not be copied."""
    folders = sorted({os.path.dirname(path) for path in notebooks})
    progress.starting(sys._getframe(1).f_locals.get("self"), notebooks)  # which submission of how many
    coursedir = _calling_coursedir(sys._getframe(1))
    config = coursedir.config
    digests = notebook_digests(coursedir, config)
    limit = Limits(config=config).files_mb << 20
    for folder in folders:
        set_aside_unsafe_files(folder, limit, digests)
        expected = forget_earlier_grade(coursedir, folder)
        grade_under_released_names(coursedir, folder, notebooks, limit, expected)


def _submission_of(coursedir: CourseDirectory, folder: str) -> re.Match | None:
    """The student and assignment whose submission folder `folder` is."""
    pattern = coursedir.format_path(coursedir.submitted_directory, "(?P<student>[^/]+)", "(?P<assignment>[^/]+)",
                                    escape=True)
    return re.fullmatch(pattern, os.path.normpath(folder))


def forget_earlier_grade(coursedir: CourseDirectory, folder: str) -> list[str] | None:
    """The submission in `folder` scores 0 until its grading ends: a step of nbgrader's that still
    fails on it (nbgrader then logs it and goes on with the next student) leaves 0, not the old grade.
    The assignment's notebook names, read in the same open of the gradebook (None: not in it)."""
    found = _submission_of(coursedir, folder)
    if not found:
        return None
    return gradebook.start_regrade(coursedir.db_url, coursedir.course_id, found["assignment"], found["student"])


def grade_under_released_names(coursedir: CourseDirectory, folder: str, notebooks: list[str], max_bytes: int,
                               expected: list[str] | None) -> None:
    """Make nbgrader grade `folder` under the assignment's notebook names (`expected`; `notebooks` is
    nbgrader's list of the submission's notebooks, changed in place): a lone notebook under another name is
    renamed to the one released name; with no released name present, the released names are graded
    as missing files (0 with the reason) instead of nbgrader failing the submission."""
    found = _submission_of(coursedir, folder)
    here = sorted(os.path.basename(path) for path in notebooks if os.path.dirname(path) == folder)
    if not expected or any(f"{name}.ipynb" in here for name in expected):
        return
    lone = stand_in_notebook(expected, here)
    if lone:
        source, target = os.path.join(folder, lone), os.path.join(folder, f"{expected[0]}.ipynb")
        try:
            read_regular_file(source, max_bytes)  # a regular file, not a link: the one nbgrader would read
            if os.path.lexists(target):
                raise FileExistsError(f"{printable(target)} is in the way")
            os.rename(source, target)
        except OSError as exc:  # NotARegularFile included: graded as missing, with the exporter's reason
            _app_log().warning("%s is not graded as %s.ipynb: %s", printable(source), expected[0], exc)
        else:
            _app_log().warning("%s handed in %r: graded as %s.ipynb", found["student"], printable(lone), expected[0])
            notebooks[notebooks.index(source)] = target
            return
    for name in expected:
        _app_log().warning("%s handed in no %s.ipynb (%s): graded as missing", found["student"], name,
                           ", ".join(map(printable, here)) or "no notebook")
        notebooks.append(os.path.join(folder, f"{name}.ipynb"))


def _calling_coursedir(frame) -> CourseDirectory:
    """The course of the converter that runs this hook. nbgrader passes the hook no converter, and in
    formgrader the running Application is the Jupyter server, whose course may not be the one graded:
    the converter is the `self` of nbgrader's run_pre_convert_hook, the caller."""
    caller = frame.f_locals.get("self") if frame is not None else None
    if isinstance(getattr(caller, "coursedir", None), CourseDirectory):
        return caller.coursedir
    app = Application.instance() if Application.initialized() else None
    return getattr(app, "coursedir", None) or CourseDirectory(config=app.config if app is not None else None)


def set_aside_unsafe_files(folder: str, max_bytes: int, digests: dict[str, str]) -> list[str]:
    """Rename what `folder` must not pass on to `<name>.kit-refused`; the reasons, as logged."""
    said = []
    taken = read_submission(folder, max_bytes, course_digests=digests)
    for refused in taken.refused:
        if refused.name.endswith(".ipynb") or refused.name.endswith(REFUSED_SUFFIX) or refused.name == ".":
            continue  # notebooks: the exporter reads them and says why it refuses one
        said.append(_set_aside(folder, refused.name, refused.reason))
    if TIMESTAMP in taken.files:
        problem = timestamp_problem(taken.files[TIMESTAMP])
        if problem:
            said.append(_set_aside(folder, TIMESTAMP, problem + ": the submission has no time"))
    return [line for line in said if line]


def timestamp_problem(data: bytes) -> str | None:
    """Why `data` is not a timestamp nbgrader can use, or None."""
    if len(data) > MAX_TIMESTAMP_BYTES:
        return f"it is {len(data)} bytes, not a time"
    try:
        text = data.decode("utf-8").strip()
        if text:
            parse_utc(text)
    except (UnicodeDecodeError, ValueError, OverflowError, TypeError) as exc:
        return f"it is not a time ({type(exc).__name__})"
    return None


def read_timestamp(folder: str):
    """The time in `folder`'s timestamp.txt, or None (missing, a link, too large, not a time), as nbgrader
    would read it but bounded and never failing."""
    try:
        data = read_regular_file(os.path.join(folder, TIMESTAMP), MAX_TIMESTAMP_BYTES)
    except NotARegularFile:
        return None
    if timestamp_problem(data) or not data.strip():
        return None
    return parse_utc(data.decode("utf-8").strip())


def _set_aside(folder: str, name: str, reason: str) -> str:
    path = os.path.join(folder, name)
    line = f"{printable(path)} is not passed on: {reason}"
    try:
        os.rename(path, _free_name(path))
    except OSError as exc:  # nbgrader will copy it: the grader needs write access to submitted/
        line += f"; it could not be set aside ({exc.strerror or exc})"
        _app_log().error(line)
        return line
    _app_log().warning(line)
    return line


def _free_name(path: str) -> str:
    """`path` + REFUSED_SUFFIX, numbered if taken (every candidate ends in the suffix nbgrader ignores)."""
    candidate, number = path + REFUSED_SUFFIX, 1
    while os.path.lexists(candidate):
        candidate, number = f"{path}.{number}{REFUSED_SUFFIX}", number + 1
    return candidate


def _app_log():
    return Application.instance().log if Application.initialized() else log
