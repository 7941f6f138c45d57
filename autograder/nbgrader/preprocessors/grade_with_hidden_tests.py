"""GradeWithHiddenTests: the kit's engine in place of nbgrader's Execute preprocessor in `nbgrader autograde`."""
from __future__ import annotations

from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from autograder.grading.run import GradingRun
from autograder.grading.cells import HIDDEN_TESTS
from autograder.nbgrader.converter import converter_course
from autograder.nbgrader.course import Course
from autograder.sandbox import Limits


class GradeWithHiddenTests(NbGraderPreprocessor):
    """Run the notebook in a sandboxed student process and score its test cells by their hidden tests.

    Its limits per notebook are sandbox.Limits (`c.Limits.*`); a limit hit is shown in the
    student's feedback.
    """

    # declared here, for nbgrader's configuration and its help; read through Course.hidden_tests
    hidden_tests = Unicode(HIDDEN_TESTS, help="Folder of the course's hidden tests (test_<set>.py, pytest.ini), "
                                              "relative to the course root unless absolute.").tag(config=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.limits = Limits(parent=self)  # c.Limits in nbgrader_config.py
        GradingRun.instance().start_sandbox(self.limits)  # starts now; its imports overlap nbgrader's first steps

    def preprocess(self, nb, resources):
        from autograder.grading.engine import grade_notebook  # torch and pytest: after the zygote started
        workdir = resources.get("metadata", {}).get("path") or "."
        usage = {}
        # outside an nbgrader converter (used on its own): the course its configuration names
        course = converter_course(self) or Course(directory=CourseDirectory(config=self.config))
        grades = grade_notebook(nb, workdir, course.hidden_tests, self.limits, usage)
        if usage.get("peak_mib"):
            self.log.info("student's process: peak memory %.0f MiB, CPU %.2f s", usage["peak_mib"],
                          usage.get("cpu_seconds") or 0)
        for grade in grades:
            self.log.info("%s: %g / %g (%d of %d hidden tests passed)", grade.grade_id, grade.score,
                          grade.max_points, grade.passed, len(grade.tests))
        return nb, resources
