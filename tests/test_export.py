"""Grades exported per task and for Canvas and Moodle (autograder/nbgrader/export.py), from a small
gradebook made with nbgrader's API (no notebook is graded): each file has its format's documented
columns (docs/instructors.md, "Exporting grades"), a column per task named by its exercise heading,
each task's points, and an empty cell, never 0, for a missing submission or an ungraded written answer."""
from __future__ import annotations

import csv
import subprocess
import sys

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from nbgrader.api import Gradebook

from autograder.nbgrader.command import nbgrader

# set: [(grade_id, exercise name, points, cell type)], in the order of the release notebook
SETS = {
    "first": [("first.zeros", "Zeros of a shape", 2.0, "code"), ("first.sums", "Ones, then a sum", 3.0, "code"),
              ("first.why", "Why zeros", 1.0, "markdown")],
    "second": [("second.mean", "A mean", 4.0, "code")],
}


def release_notebook(tasks) -> nbformat.NotebookNode:
    cells = [new_markdown_cell("# A set\n\nContents")]
    for number, (grade_id, name, points, kind) in enumerate(tasks, 1):
        cells.append(new_markdown_cell(f"## Exercise {number}: {name} ({points:g} points, ≈ 1 line)"))
        meta = {"grade": True, "grade_id": grade_id, "points": points, "locked": kind == "code",
                "solution": kind == "markdown", "schema_version": 3}
        if kind == "code":
            cells.append(new_code_cell("def f():\n    ...", metadata={"nbgrader": {
                "grade": False, "grade_id": f"{grade_id}-answer", "locked": False, "solution": True,
                "schema_version": 3}}))
            cells.append(new_code_cell("assert f() is not None", metadata={"nbgrader": meta}))
        else:
            cells.append(new_markdown_cell("YOUR ANSWER HERE", metadata={"nbgrader": meta}))
    return new_notebook(cells=cells)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """alice: full marks but one task, late in `second`; bob: 0 everywhere, his written answer ungraded;
    carol: no submission of `first`."""
    root = tmp_path_factory.mktemp("export-course")
    scores = {("alice", "first"): {"first.zeros": 2.0, "first.sums": 1.5, "first.why": 1.0},
              ("alice", "second"): {"second.mean": 4.0},
              ("bob", "first"): {"first.zeros": 0.0, "first.sums": 0.0, "first.why": None},
              ("bob", "second"): {"second.mean": 0.0},
              ("carol", "second"): {"second.mean": 2.5}}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.add_student("alice", first_name="Alice", last_name="Liddell", email="alice@example.org",
                              lms_user_id="9001")
        gradebook.add_student("bob", first_name="Bob", last_name="Byte", email="bob@example.org")
        gradebook.add_student("carol")
        for name, tasks in SETS.items():
            gradebook.add_assignment(name)
            gradebook.add_notebook(name, name)
            for grade_id, _, points, kind in reversed(tasks):  # the release notebook, not the gradebook, orders
                gradebook.add_grade_cell(grade_id, name, name, max_score=points, cell_type=kind)
            folder = root / "release" / name
            folder.mkdir(parents=True)
            nbformat.write(release_notebook(tasks), folder / f"{name}.ipynb")
        for (student, name), cells in scores.items():
            gradebook.add_submission(name, student)
            for grade_id, score in cells.items():
                grade = gradebook.find_grade(grade_id, name, name, student)
                if dict((t[0], t[3]) for t in SETS[name])[grade_id] == "markdown":
                    grade.manual_score = score
                else:
                    grade.auto_score = score
        gradebook.find_submission_notebook("second", "second", "alice").late_submission_penalty = 1.0
        gradebook.db.commit()
    return root


def read(path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def export(course, exporter: str, *options: str) -> list[list[str]]:
    nbgrader(course, "export", f"--exporter=autograder.nbgrader.export.{exporter}", f"--to={exporter}.csv", *options)
    return read(course / f"{exporter}.csv")


def by_first_column(rows, header) -> dict[str, dict[str, str]]:
    return {row[0]: dict(zip(header, row)) for row in rows}


def test_a_column_per_task_named_by_its_exercise_and_per_set_with_the_points(course):
    header, out_of, *rows = export(course, "TaskGrades")
    assert header == ["student_id", "last_name", "first_name", "email",
                      "first: Zeros of a shape", "first: Ones, then a sum", "first: Why zeros", "first",
                      "second: A mean", "second"]
    assert out_of == ["out of", "", "", "", "2", "3", "1", "6", "4", "4"]
    students = by_first_column(rows, header)
    assert list(students) == ["alice", "bob", "carol"]
    assert [students["alice"][c] for c in header[1:]] == [
        "Liddell", "Alice", "alice@example.org", "2", "1.5", "1", "4.5", "4", "3"]  # `second`: 1 point late


def test_a_missing_submission_and_an_ungraded_answer_are_empty_not_zero(course):
    header, _, *rows = export(course, "TaskGrades")
    students = by_first_column(rows, header)
    assert [students["carol"][c] for c in header[4:]] == ["", "", "", "", "2.5", "2.5"]
    assert [students["bob"][c] for c in header[4:]] == ["0", "0", "", "0", "0", "0"]


def test_canvas_import_has_its_documented_columns_and_points_possible(course):
    rows = export(course, "CanvasGrades", "--CanvasGrades.assignment_ids=second=777")
    header, points, *students = rows
    assert header == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "first", "second (777)"]
    assert points == ["Points Possible", "", "", "", "", "6", "4"]
    assert students == [["Liddell, Alice", "9001", "alice", "alice", "", "4.5", "3"],
                        ["Byte, Bob", "", "bob", "bob", "", "0", "0"],
                        ["carol", "", "carol", "carol", "", "", "2.5"]]


def test_moodle_import_has_an_identifier_and_a_column_per_grade_item(course):
    rows = export(course, "MoodleGrades", "--assignment=first")
    assert rows == [["First name", "Last name", "ID number", "Email address", "first"],
                    ["Alice", "Liddell", "alice", "alice@example.org", "4.5"],
                    ["Bob", "Byte", "bob", "bob@example.org", "0"],
                    ["", "", "carol", "", ""]]


def test_the_kit_command_line_selects_a_format(course):
    subprocess.run([sys.executable, "-m", "autograder", "export", "--format", "canvas", "--course", str(course),
                    "--to", str(course / "from-kit.csv")], check=True, capture_output=True)
    assert read(course / "from-kit.csv")[0][:5] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    assert not (course / "grades.csv").exists(), "the stock exporter stays nbgrader's default, and was not run"
