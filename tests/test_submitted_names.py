"""Bad files in submitted/ (issue 38): a lone notebook under another name (`Tensors (1).ipynb`: browsers
and LMSs rename uploads) is graded as the assignment's notebook and the log says so; other notebooks
are skipped with nbgrader's warning; a submission without the assignment's notebook scores 0 with
the reason; a link is never followed; and `nbgrader autograde` exits 0. `report` shows the reason,
its last row reads "out of" and no column name is cut.
"""
from __future__ import annotations

import nbformat
import pytest

from autograder.authoring.corpus import cell_feedback, full_points, gradebook_scores, nbgrader
from autograder.nbgrader.course import Course
from course_steps import notebook_with
from helpers import ROOT, cli, copy_of, max_points

pytestmark = pytest.mark.slow  # nbgrader runs
ASSIGNMENT = "tensors"
HANDED_IN = {  # student: the notebooks in their submission folder (all the reference solutions)
    "ivy": ["Tensors (1).ipynb"],
    "kim": [f"{ASSIGNMENT}.ipynb", "notes.ipynb"],
    "jo": ["draft.ipynb", "final.ipynb"],
}


@pytest.fixture(scope="module")
def graded(released_course, tmp_path_factory):
    course = copy_of(released_course, tmp_path_factory.mktemp("names") / "course")
    solved = notebook_with(ASSIGNMENT, {})
    for student, names in HANDED_IN.items():
        folder = Course(course).submitted(student, ASSIGNMENT)
        folder.mkdir(parents=True)
        for name in names:
            nbformat.write(solved, folder / name)
    lee = Course(course).submitted("lee", ASSIGNMENT)  # a lone notebook that is a link to the source notebook
    lee.mkdir(parents=True)
    (lee / "mine.ipynb").symlink_to(Course(course).source(ASSIGNMENT, ASSIGNMENT))
    run = nbgrader(course, "autograde", ASSIGNMENT, "--force", check=False)
    return course, run


def test_the_run_exits_0(graded):
    _, run = graded
    assert run.returncode == 0, run.stderr[-3000:]
    assert "No notebooks found" not in run.stderr


def test_a_lone_notebook_under_another_name_is_graded_as_the_assignments(graded):
    course, run = graded
    assert gradebook_scores(course, ASSIGNMENT)["ivy"] == full_points(ASSIGNMENT, root=course)
    assert f"ivy handed in 'Tensors (1).ipynb': graded as {ASSIGNMENT}.ipynb" in run.stderr
    assert Course(course).submitted("ivy", ASSIGNMENT, ASSIGNMENT).is_file()


def test_another_notebook_beside_the_assignments_is_skipped_with_a_warning(graded):
    course, run = graded
    assert gradebook_scores(course, ASSIGNMENT)["kim"] == full_points(ASSIGNMENT, root=course)
    assert "Skipping unknown notebook" in run.stderr and "kim/tensors/notes.ipynb" in run.stderr


def test_a_submission_without_the_assignments_notebook_scores_0_with_the_reason(graded):
    course, run = graded
    assert set(gradebook_scores(course, ASSIGNMENT)["jo"].values()) == {0.0}
    assert f"jo handed in no {ASSIGNMENT}.ipynb (draft.ipynb, final.ipynb)" in run.stderr
    reason = f"{ASSIGNMENT}.ipynb is not in your submission (it has draft.ipynb, final.ipynb)"
    for grade_id in full_points(ASSIGNMENT, root=course):
        assert reason in cell_feedback(course, "jo", ASSIGNMENT, grade_id)


def test_a_lone_link_is_not_followed_nor_renamed(graded):
    course, run = graded
    lee = Course(course).submitted("lee", ASSIGNMENT)
    assert (lee / "mine.ipynb").is_symlink() and not (lee / f"{ASSIGNMENT}.ipynb").exists()
    assert set(gradebook_scores(course, ASSIGNMENT)["lee"].values()) == {0.0}
    assert "is not graded as tensors.ipynb: it is a link" in run.stderr
    assert Course(course).source(ASSIGNMENT, ASSIGNMENT).read_bytes() == (ROOT / "source" / ASSIGNMENT /
                                                                          f"{ASSIGNMENT}.ipynb").read_bytes()


def test_report_shows_the_reason_out_of_and_whole_column_names(graded):
    course, _ = graded
    run = cli(course, "report", ASSIGNMENT)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert "manual grade" not in run.stdout
    header, last = lines[0].split(), lines[-1]
    assert header[1:-1] == list(max_points(course, ASSIGNMENT)), "every cell's name, whole"
    assert last.startswith("out of ") and last.split()[-1] == f"{sum(max_points(course, ASSIGNMENT).values()):g}"
    jo = next(i for i, line in enumerate(lines) if line.startswith("jo "))
    assert f"{ASSIGNMENT}.ipynb is not in your submission (it has draft.ipynb, final.ipynb)" in lines[jo + 1]
    assert not lines[jo + 1].startswith("jo") and lines[jo + 1].startswith(" ")
