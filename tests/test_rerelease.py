"""Re-release safely (issue 38): `python -m autograder rerelease SET` changes a released set that
has submissions (nbgrader's generate_assignment refuses, and `--force` had already deleted the
release), keeps release/ whole when it fails, and keeps the grades of cells that still exist;
`clean-demo` removes the demo's students and nothing else.

One small scaffolded set in a scratch copy of the course (corpus.copy_course)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import nbformat
import pytest
from nbgrader import api

from autograder.__main__ import main
from autograder.authoring.corpus import REFERENCE, Entry, copy_course, nbgrader, write_submission
from autograder.authoring.rerelease import clean_demo, demo_students
from autograder.authoring.solutions import write_solutions
from autograder.authoring.submissions import read_case
from autograder.nbgrader.course import Course

SET, TASK = "normalization", "scaled"


def _released(tmp_path: Path) -> Path:
    """A scratch course with a one-task set, released."""
    course = copy_course(tmp_path / "course")
    (course / "tests").mkdir()
    assert main(["new-set", SET, "--course", str(course)]) == 0
    write_solutions(course, [SET])
    nbgrader(course, "generate_assignment", SET, "--force")
    return course


def _tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _grades(course: Path) -> dict[str, tuple]:
    with api.Gradebook(Course(course).db_url) as gb:
        notebook = gb.find_submission_notebook(SET, SET, REFERENCE)
        return {g.name: (g.auto_score, g.manual_score, g.max_score) for g in notebook.grades}


@pytest.mark.slow  # nbgrader autograde, twice, of a one-task set
def test_a_task_added_after_submissions_is_released_and_graded(tmp_path, capsys):
    course = _released(tmp_path)
    case = read_case(course / "tests" / "cases" / SET / f"{SET}_example-right.py")
    write_submission(course, Entry(SET, REFERENCE, case), course)
    nbgrader(course, "autograde", SET, "--force")
    with api.Gradebook(Course(course).db_url) as gb:  # an instructor's manual grade, to be kept
        gb.find_grade("normalization-example-check", SET, SET, REFERENCE).manual_score = 1.5
        gb.db.commit()
    before = _grades(course)
    assert before == {"normalization-example-check": (2.0, 1.5, 2.0)}

    assert main(["new-task", SET, TASK, "--course", str(course)]) == 0
    # what nbgrader alone does: refuses, and --force has deleted the release already
    refused = nbgrader(course, "generate_assignment", SET, "--force", check=False)
    assert refused.returncode != 0 and "there are submissions" in refused.stdout + refused.stderr
    assert not (course / "release" / SET / f"{SET}.ipynb").exists()

    handed_in = {step: _tree(course / step) for step in ("submitted", "autograded")}
    capsys.readouterr()
    assert main(["rerelease", SET, "--course", str(course)]) == 0
    assert {step: _tree(course / step) for step in handed_in} == handed_in
    said = capsys.readouterr().out
    assert "1 submission(s) kept" in said and f"added {SET}/scaled-check" in said and "lost: nothing" in said
    assert "nbgrader autograde normalization --force" in said
    release = nbformat.read(course / "release" / SET / f"{SET}.ipynb", as_version=4)
    assert "scaled-check" in {c.metadata.get("nbgrader", {}).get("grade_id") for c in release.cells}
    assert "def scaled" in (course / "solutions" / f"{SET}.py").read_text()
    after = _grades(course)
    assert after["normalization-example-check"] == before["normalization-example-check"]
    assert after["scaled-check"] == (None, None, 2.0)
    # nbgrader itself now sees the release in step with the gradebook
    nbgrader(course, "generate_assignment", SET, "--force")

    nbgrader(course, "autograde", SET, "--force")  # the submission made before the task: that cell earns 0
    regraded = _grades(course)
    assert regraded["normalization-example-check"] == (2.0, 1.5, 2.0)
    assert regraded["scaled-check"][0] == 0.0


def test_a_failed_rerelease_leaves_the_course_as_it_was(tmp_path, capsys):
    course = _released(tmp_path)
    with api.Gradebook(Course(course).db_url) as gb:  # a submission, as nbgrader records it
        gb.add_student("ada")
        gb.add_submission(SET, "ada")
    assert main(["new-task", SET, TASK, "--course", str(course)]) == 0
    source = course / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells[-1].source = "no points line"  # the closing cell must end with '**Points.**'
    nbformat.write(nb, source)
    kept = {name: _tree(course / name) for name in ("release", "solutions", "source")}
    db = (course / "gradebook.db").read_bytes()
    capsys.readouterr()
    assert main(["rerelease", SET, "--course", str(course)]) == 2
    assert "must end with a line starting '**Points.**'" in capsys.readouterr().err
    assert {name: _tree(course / name) for name in kept} == kept
    assert (course / "gradebook.db").read_bytes() == db

    # nbgrader fails (two cells with one grade_id): the same
    nb.cells[-1].source = nbformat.read(course / "release" / SET / f"{SET}.ipynb", as_version=4).cells[-1].source
    checks = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade", False)]
    checks[1].metadata.nbgrader["grade_id"] = checks[0].metadata.nbgrader["grade_id"]
    nbformat.write(nb, source)
    kept["source"] = _tree(course / "source")
    capsys.readouterr()
    assert main(["rerelease", SET, "--course", str(course)]) == 2
    assert "nbgrader generate_assignment normalization failed" in capsys.readouterr().err
    assert {name: _tree(course / name) for name in kept} == kept
    assert (course / "gradebook.db").read_bytes() == db


def test_a_removed_task_loses_its_grades_only(tmp_path, capsys):
    course = _released(tmp_path)
    assert main(["new-task", SET, TASK, "--course", str(course)]) == 0
    write_solutions(course, [SET])
    nbgrader(course, "generate_assignment", SET, "--force")
    with api.Gradebook(Course(course).db_url) as gb:  # a submission with two manual grades
        gb.add_student("ada")
        gb.add_submission(SET, "ada")
        for grade_id in ("normalization-example-check", "scaled-check"):
            gb.find_grade(grade_id, SET, SET, "ada").manual_score = 1.0
        gb.db.commit()
    source = course / "source" / SET / f"{SET}.ipynb"
    nb = nbformat.read(source, as_version=4)
    nb.cells = [c for c in nb.cells if "scaled" not in c.metadata.get("nbgrader", {}).get("grade_id", "")
                and not c.source.startswith("## Exercise 2: Scaled")]
    nbformat.write(nb, source)
    capsys.readouterr()
    assert main(["rerelease", SET, "--course", str(course)]) == 0
    said = capsys.readouterr().out
    assert f"removed {SET}/scaled-check" in said and "lost: 1 grade(s) of removed cells (1 entered by hand)" in said
    with api.Gradebook(Course(course).db_url) as gb:
        grades = {g.name: g.manual_score for g in gb.find_submission_notebook(SET, SET, "ada").grades}
        assert grades == {"normalization-example-check": 1.0}
        assert [c.name for c in gb.find_notebook(SET, SET).grade_cells] == ["normalization-example-check"]
    release = (course / "release" / SET / f"{SET}.ipynb").read_text()
    assert "scaled-check" not in release and "normalization-example-check" in release
    nbgrader(course, "generate_assignment", SET, "--force")  # nbgrader sees it in step with the gradebook


def test_clean_demo_removes_the_demo_students_and_nothing_else(tmp_path):
    course = copy_course(tmp_path / "course")
    (course / "tests").mkdir()
    (course / "tests" / "sample_class" / "alice" / SET).mkdir(parents=True)
    (course / "tests" / "sample_class" / "bob").mkdir()
    assert demo_students(course) == ["alice", "bob"]
    for step in ("submitted", "autograded", "feedback"):
        for student in ("alice", "bob", "zoe"):
            (course / step / student / SET).mkdir(parents=True)
            (course / step / student / SET / f"{SET}.ipynb").write_text("{}")
    with api.Gradebook(Course(course).db_url) as gb:
        gb.add_assignment(SET)
        for student in ("alice", "zoe"):
            gb.add_student(student)
            gb.add_submission(SET, student)
    kept = {name: _tree(course / name) for name in ("release", "source", "solutions", "hidden_tests")}

    assert main(["clean-demo", "--course", str(course)]) == 0
    for step in ("submitted", "autograded", "feedback"):
        assert sorted(p.name for p in (course / step).iterdir()) == ["zoe"]
    with api.Gradebook(Course(course).db_url) as gb:
        assert [s.id for s in gb.students] == ["zoe"]
        assert [s.student.id for s in gb.assignment_submissions(SET)] == ["zoe"]
    assert {name: _tree(course / name) for name in kept} == kept
    assert clean_demo(course) == []  # twice: nothing left to remove
