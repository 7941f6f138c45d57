"""One course, from its loaded nbgrader configuration: `python -m autograder grade`, the Gradescope
runner and `nbgrader autograde` read the same hidden-tests folder and the same limits."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.authoring.corpus import copy_course, full_points, notebook_of
from autograder.authoring.submissions import Case, build_notebook
from autograder.classroom.gradescope import match_notebooks
from autograder.nbgrader.course import Course
from autograder.nbgrader.submission_guard import course_digests
from conftest import ROOT

ASSIGNMENT = "tensors"


def configure(course: Path, *lines: str) -> None:
    with open(course / "nbgrader_config.py", "a") as config:
        config.write("\n" + "\n".join(lines) + "\n")


def hidden_tests_elsewhere(course: Path) -> None:
    """The course's hidden tests in a folder of another name, which only its configuration names."""
    shutil.move(course / "hidden_tests", course / "graders_tests")
    configure(course, 'c.GradeWithHiddenTests.hidden_tests = "graders_tests"')


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = copy_course(tmp_path_factory.mktemp("configured"))
    hidden_tests_elsewhere(course)
    return course


def test_the_course_reads_its_settings_from_its_nbgrader_config(tmp_path):
    configure(tmp_path, "c.GradeWithHiddenTests.hidden_tests = 'checks/hidden'", "c.Limits.files_mb = 3",
              "c.CourseDirectory.release_directory = 'handout'", "c.CourseDirectory.db_url = 'sqlite:////x/y.db'")
    course = Course(tmp_path)
    assert course.hidden_tests == tmp_path.resolve() / "checks" / "hidden"
    assert course.limits.files_mb == 3 and course.limits.cell_seconds == 60  # the rest: the defaults
    assert course.release("a", "nb") == tmp_path.resolve() / "handout" / "a" / "nb.ipynb"
    assert course.db_url == "sqlite:////x/y.db"
    assert Course(tmp_path, db_url="sqlite:////z.db").db_url == "sqlite:////z.db"
    assert str(tmp_path) not in sys.path  # the settings are read, the course's folder is not imported from
    bare = Course(tmp_path / "nothing")  # no nbgrader_config.py: nbgrader's defaults
    assert bare.hidden_tests == bare.root / "hidden_tests" and bare.limits.files_mb == 64


def test_the_default_course_is_the_current_folder_as_for_nbgrader(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    configure(tmp_path, "c.Limits.cell_seconds = 7")
    assert Course().root == tmp_path.resolve() and Course().limits.cell_seconds == 7


def test_a_copy_of_a_file_of_the_configured_hidden_tests_is_a_course_file(tmp_path):
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "test_x.py").write_text("class TestX:\n    pass\n")
    configure(tmp_path, "c.GradeWithHiddenTests.hidden_tests = 'checks'")
    assert "checks/test_x.py" in course_digests(Course(tmp_path).directory).values()


def test_gradescope_reads_the_submission_within_the_configured_limits(tmp_path):
    course = copy_course(tmp_path / "course")
    submission = tmp_path / "submission"
    submission.mkdir()
    (submission / f"{ASSIGNMENT}.ipynb").write_bytes((ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())
    matched, notes = match_notebooks(Course(course), submission, [ASSIGNMENT])
    assert list(matched) == [ASSIGNMENT] and not any("not read" in note for note in notes), notes
    configure(course, "c.Limits.files_mb = 0")
    matched, notes = match_notebooks(Course(course), submission, [ASSIGNMENT])
    assert not matched and any(note.startswith(f"{ASSIGNMENT}.ipynb was not read") for note in notes), notes


def grade(course: Path, notebook: Path, out: Path) -> dict:
    """`python -m autograder grade` run in `course`."""
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--json", str(out)],
                         cwd=course, capture_output=True, text=True, timeout=300,
                         env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(out.read_text())


@pytest.mark.slow  # a sandbox and the hidden tests start in a new process, twice
def test_the_grade_command_uses_the_configured_hidden_tests_and_limits(course, tmp_path):
    notebook = tmp_path / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook.parent.mkdir()
    notebook.write_bytes((course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())  # the reference
    graded = grade(course, notebook, tmp_path / "out.json")
    assert {c["grade_id"]: c["score"] for c in graded["cells"]} == full_points(ASSIGNMENT), graded

    limited = tmp_path / "limited"
    shutil.copytree(course, limited, ignore=shutil.ignore_patterns("__pycache__"))
    configure(limited, "c.Limits.notebook_mb = 0")
    graded = grade(limited, notebook, tmp_path / "limited.json")
    assert graded["score"] == 0 and "0 MiB" in json.dumps(graded), graded


@pytest.mark.slow  # nbgrader runs
def test_gradescope_grades_by_the_configured_hidden_tests(course, tmp_path):
    submission = tmp_path / "submission"
    submission.mkdir()
    reference = build_notebook(Case(Path("reference"), "reference", {}), notebook_of(ASSIGNMENT, "release"),
                               notebook_of(ASSIGNMENT))  # as a student hands it in (a course file's copy is refused)
    nbformat.write(reference, submission / f"{ASSIGNMENT}.ipynb")
    results = tmp_path / "results.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "gradescope-run", ASSIGNMENT, "--submission",
                          str(submission), "--results", str(results)], cwd=course, capture_output=True, text=True,
                         timeout=600, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    assert run.returncode == 0, run.stderr[-3000:]
    scores = {test["name"]: test["score"] for test in json.loads(results.read_text())["tests"]}
    assert scores == full_points(ASSIGNMENT), run.stderr[-3000:]
    assert (course / "autograded" / "student" / ASSIGNMENT).is_dir()  # graded in the course it ran in


@pytest.mark.slow  # a wheel is built, then a sandbox and the hidden tests start in a new process
def test_an_installed_engine_grades_in_a_folder_that_holds_only_a_course(tmp_path):
    """After a plain (non-editable) `pip install .`, as the JupyterHub set-up installs the engine, the
    course is the folder the command runs in: nothing is looked up beside the installed package."""
    kit = tmp_path / "kit"  # built from a copy: setuptools leaves build/ in the tree it builds
    shutil.copytree(ROOT, kit, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "build", "*.egg-info",
                                                             "submitted", "autograded", "feedback", "*.db"))
    installed = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-compile", "-q",
                    "--target", str(installed), str(kit)], check=True, capture_output=True, timeout=300)
    course = tmp_path / "course"
    for name in ("source", "release", "hidden_tests", "solutions"):
        shutil.copytree(ROOT / name, course / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", course)
    env = dict(os.environ, PYTHONPATH=str(installed), PYTHONWARNINGS="ignore")
    where = subprocess.run([sys.executable, "-c", "import autograder; print(autograder.__file__)"], cwd=course,
                           env=env, capture_output=True, text=True, check=True).stdout
    assert Path(where.strip()).is_relative_to(installed), where
    # package data the engine reads at run time travels with it (the feedback page's template)
    assert (installed / "autograder" / "nbgrader" / "templates" / "kit_feedback" / "summary.html.j2").is_file()
    notebook = tmp_path / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook.parent.mkdir()
    notebook.write_bytes((ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes())  # the reference
    out = tmp_path / "out.json"
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--json", str(out)],
                         cwd=course, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    graded = json.loads(out.read_text())
    assert {c["grade_id"]: c["score"] for c in graded["cells"]} == full_points(ASSIGNMENT), graded

    # the authoring commands read and write the course they run in, not a folder beside the package
    solution = course / "solutions" / f"{ASSIGNMENT}.py"
    generated = solution.read_text()
    solution.write_text(generated + "# edited by hand\n")
    check = subprocess.run([sys.executable, "-m", "autograder", "solutions", "--check"], cwd=course, env=env,
                           capture_output=True, text=True, timeout=300)
    assert check.returncode == 1 and f"{solution} differs from its source notebook" in check.stdout, check
    subprocess.run([sys.executable, "-m", "autograder", "solutions", ASSIGNMENT], cwd=course, env=env,
                   capture_output=True, text=True, timeout=300, check=True)
    assert solution.read_text() == generated
