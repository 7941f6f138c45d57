"""nbgrader configuration of the course: the repository root is the course root.

`nbgrader autograde` grades with the kit's engine instead of nbgrader's stock Execute
preprocessor: student code runs in a separate worker process, and each autograded
cell's points come from its hidden pytest tests in hidden_tests/ (c.GradeWithHiddenTests.hidden_tests).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nbconvert.preprocessors import ClearMetadataPreprocessor  # noqa: E402
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, ClearOutput, DeduplicateIds, IgnorePattern,
    LimitOutput, OverwriteKernelspec,
)

from autograder.grading.startup import prepare_grading_process  # noqa: E402
from autograder.nbgrader import pages  # noqa: E402
from autograder.results.feedback import GradesWithSummary  # noqa: E402
from autograder.nbgrader.preprocessors import (  # noqa: E402
    BatchedOverwriteCells, BatchedSaveAutoGrades, GradeWithHiddenTests, RestoreReleaseMetadata,
)
from autograder.nbgrader.startup_hooks import (  # noqa: E402
    escape_student_text_in_log, share_gradebook_engine, start_sandbox_early,
)

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

# nbgrader's log quotes submissions (cell sources, file names): control characters are escaped.
escape_student_text_in_log()

# nbgrader opens the gradebook about ten times per notebook; each open uses the run's one engine
# for the gradebook's URL, so each query is compiled once per run (autograder/nbgrader/startup_hooks.py).
share_gradebook_engine()

# torch's compiler stays unloaded until asked for, and the interpreter's exit skips its last
# garbage collections (autograder/grading/startup.py).
prepare_grading_process()

c.CourseDirectory.course_id = "deep-learning-fundamentals"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# A submission is its notebook's bytes and regular files (autograder/nbgrader/submission_guard.py):
# before nbgrader copies a submission folder, every link, FIFO, device, copy of a course file, file
# past c.Limits.files_mb and unreadable timestamp.txt in it is renamed <name>.kit-refused (which
# nbgrader then ignores) and logged; the notebook itself is read without following a link (the
# exporter below). c.CourseFiles.paths lists the course files no submission may copy.
c.Autograde.pre_convert_hook = "autograder.nbgrader.submission_guard.refuse_unsafe_files"
# Which submission of how many: a bar on a terminal, a plain log line per submission otherwise
# (autograder/nbgrader/progress.py; the pre-convert hook above says which one starts).
c.Autograde.post_convert_hook = "autograder.nbgrader.progress.finished"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.kit-refused"]

# A submission that deleted a test cell gets it back (and is graded on it), as in the release.
c.OverwriteCells.add_missing_cells = True

# nbgrader's stock sanitizing, after the kit gives every cell its nbgrader metadata as released
# (stock nbgrader stops the run on some forged metadata and keeps the student's old grade on
# others). A submission that a step still fails on is graded 0 with the reason (the exporter below).
# OverwriteCells and, below, SaveAutoGrades are nbgrader's, reading a notebook's gradebook rows in one
# query each, and SaveAutoGrades committing once per notebook, not per cell
# (autograder/nbgrader/preprocessors/batched_gradebook.py; docs/speed.md).
c.Autograde.sanitize_preprocessors = [
    ClearOutput, RestoreReleaseMetadata, DeduplicateIds, OverwriteKernelspec, BatchedOverwriteCells, CheckCellMetadata,
]

# A submitted file that is not a readable notebook, or that a step of nbgrader's fails on, is
# graded as the unedited release notebook with a message saying why, so the student gets 0 and
# a reason, not a stale grade, and the run goes on.
c.Autograde.exporter_class = "autograder.nbgrader.exporters.TolerantNotebookExporter"
# nbconvert validates the notebook once after all preprocessors instead of after each one
# (13 times per submission); a notebook left invalid still fails, and that submission with it.
c.Exporter.optimistic_validation = True

# nbgrader's stock list, with Execute swapped for the kit's engine, and without stock's second
# CheckCellMetadata: the engine writes outputs only and ClearMetadataPreprocessor is off by
# default, so the metadata is as the sanitizing steps above checked it (about 20 ms a notebook).
c.Autograde.autograde_preprocessors = [
    GradeWithHiddenTests,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    BatchedSaveAutoGrades,
    AssignLatePenalties,
]

# Feedback shows the student-facing messages, never the hidden regions of test cells. The page starts
# with a summary, one line per exercise (its name, points and first message), and leaves a written
# answer that awaits its instructor out of the total until it is graded (autograder/results/feedback.py:
# GradesWithSummary is nbgrader's GetGrades with the summary; its template extends nbgrader's).
c.GenerateFeedback.preprocessors = [GradesWithSummary, ClearHiddenTests, CSSHTMLHeaderPreprocessor]
c.FeedbackPage.template_name = pages.FEEDBACK_TEMPLATE
c.FeedbackPage.template_file = pages.FEEDBACK_TEMPLATE_FILE
c.FeedbackPage.extra_template_basedirs = pages.FEEDBACK_TEMPLATE_FOLDERS

# Nothing a student wrote runs in a reader's browser (autograder/nbgrader/pages.py): the feedback page
# and formgrader's view of a submission (same exporter config) render markdown and outputs through
# bleach with an allow-list, drop javascript and unknown outputs; the feedback page also has a CSP.
c.HTMLExporter.sanitize_html = True
c.HTMLExporter.filters = {"markdown2html": "autograder.nbgrader.pages.SafeMarkdown",
                          "clean_html": "autograder.nbgrader.pages.clean_html"}
c.HTMLExporter.preprocessors = ["autograder.nbgrader.pages.SafeOutputs"]
c.GenerateFeedback.exporter_class = "autograder.nbgrader.pages.FeedbackPage"

# The hidden tests of the course (a folder with pytest.ini and test_<set>.py).
c.GradeWithHiddenTests.hidden_tests = os.path.join(c.CourseDirectory.root, "hidden_tests")

# What one notebook may use (autograder.sandbox.Limits; docs/threat-model.md has the table), for
# example how long the grader waits for a student's code, in seconds.
c.Limits.cell_seconds = 60
c.Limits.call_seconds = 60

# Which sandbox runs student code (autograder/sandbox/backend.py): "bubblewrap", today's only one and
# the default; a container backend would be named here.
# c.Sandbox.backend = "bubblewrap"

# Late policy (autograder/nbgrader/late.py): a notebook submitted after the assignment's due date
# (`nbgrader db assignment add <assignment> --duedate=...`) loses 10% of its score for every
# started day late, down to 0. The submission time is the exchange's or zip_collect's timestamp.txt.
c.AssignLatePenalties.plugin_class = "autograder.nbgrader.late.DeductPerDayLate"
c.DeductPerDayLate.fraction_per_day = 0.10

# The exchange (autograder/nbgrader/exchange/): collect takes a submission only from a folder of
# `<student>+<assignment>+<time>` with a safe id (c.StudentIds.pattern) that, on a hub (nbgrader's
# c.ExchangeCollect.check_owner, on by default), its student owns; it copies regular files only, never
# through a link, up to c.Limits.files_mb, and no copy of a course file; release_feedback publishes only
# the feedback page of each notebook of the assignment. What each refuses is said in the log.
c.ExchangeFactory.collect = "autograder.nbgrader.exchange.KitCollect"
c.ExchangeFactory.release_feedback = "autograder.nbgrader.exchange.KitReleaseFeedback"

# Last, with the limits set: `nbgrader autograde` starts the sandbox now, so that its imports run
# while nbgrader gets on with its own work (start-up is most of the time of a small class).
start_sandbox_early(c)
