"""What nbgrader_config.py calls as nbgrader loads it: the sandbox started early for `nbgrader
autograde`, student text escaped in the running app's log, and one gradebook engine per run."""
from __future__ import annotations

import sys
import threading
from pathlib import Path

from nbgrader.coursedir import CourseDirectory

from autograder.grading.run import GradingRun
from autograder.grading.text import escape_log
from autograder.nbgrader.course import Course


def start_sandbox_early(config) -> None:
    """Start the sandbox's zygote now if this process is `nbgrader autograde` (nbgrader_config.py calls it).

    Its imports (torch and IPython: most of a grading run's fixed cost) then run on
    another core while nbgrader opens the gradebook and sanitizes the first submission, and
    while the grader imports torch and collects the hidden tests (of the one set named on the
    command line, where it names one). Elsewhere (formgrader's autograde button, NbGraderAPI) the
    zygote starts with the first GradeWithHiddenTests.
    """
    if Path(sys.argv[0]).name in ("nbgrader", "__main__.py") and sys.argv[1:2] == ["autograde"]:
        course = Course(directory=CourseDirectory(config=config))
        GradingRun.instance().start_sandbox(course.limits)
        # the assignment: nbgrader's first positional argument (a guess that names no test file collects them all)
        assignment = next((arg for arg in sys.argv[2:] if not arg.startswith("-")), None)
        threading.Thread(target=_prepare_grader, args=(course.hidden_tests, assignment), daemon=True).start()


def escape_student_text_in_log() -> None:
    """Escape control characters in what nbgrader's running app logs (nbgrader_config.py calls it):
    its warnings quote a submission's cells and names, which may hold terminal control sequences."""
    from traitlets.config import Application
    if Application.initialized():
        escape_log(Application.instance().log)


def share_gradebook_engine() -> None:
    """Give every nbgrader `Gradebook` of this process the run's one engine for its URL
    (`GradingRun.gradebook_engine`), so that SQLAlchemy compiles each query once per run, not
    once per open (nbgrader_config.py calls it; a second call changes nothing).

    The kit's one patch of nbgrader: `nbgrader.api.Gradebook.__init__` makes its engine with the
    module's `create_engine`, and nothing configurable reaches it. What nbgrader does with the
    engine is unchanged (tests/test_gradebook_traffic.py counts the engines, opens and statements).
    """
    from nbgrader import api
    api.create_engine = _run_gradebook_engine


def _run_gradebook_engine(url, **options):
    return GradingRun.instance().gradebook_engine(url, **options)


def _prepare_grader(hidden_tests_folder: Path, exercise_set: str | None) -> None:
    """Import torch and collect the hidden tests while nbgrader opens the gradebook and sanitizes
    the first submission; the first notebook finds them ready (or waits for them)."""
    try:
        from autograder.grading import hidden_tests
        hidden_tests.hidden_tests(hidden_tests_folder, exercise_set=exercise_set)
    except Exception:  # the first notebook tries again and reports what is wrong
        pass
