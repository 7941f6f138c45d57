"""The instructor's view: nbgrader's formgrader in JupyterLab, driven in Debian's headless Chromium.

Formgrader's buttons run nbgrader inside the long-lived Jupyter server process, so the kit's engine
(its sandbox, its pytest session over the hidden tests, its shared gradebook engine) lives there
across runs. In one server: autograde a submitted student and see the score, grade the written
answer by hand, generate and release the feedback; then re-release the assignment with a new task
and its hidden test, autograde the resubmission and see the new cell graded (nothing of the first
run is reused). Screenshots go with the student's view (browser_steps.SCREENSHOTS).
"""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

import formgrader_steps
from autograder.authoring.corpus import full_points, nbgrader
from browser_steps import CHROMIUM, chromium, jupyterlab, shoot
from course_steps import hand_in, notebook_with, released_copy
from formgrader_steps import click_and_succeed, grade_by_hand, open_page, submission_page, wait_for_text

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt: run ./kit setup")
if not CHROMIUM.exists():
    pytest.fail(f"{CHROMIUM} is missing: `./kit setup` installs Debian's chromium", pytrace=False)

ASSIGNMENT = "autograd"  # it has a written answer, graded by hand
WRITTEN = "backprop-answer"
STUDENT = "alice"
HANDED_IN = "2026-12-01 10:00:00.000000 UTC"  # as the exchange's collect writes it (release_feedback needs it)
NEW_TASK = {  # what the re-release adds: a task, its visible check and its hidden test
    "answer": "def double(x):\n    \"\"\"2 * x.\"\"\"\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION\n",
    "check": "assert double(21) == 42\nprint('double passes the visible check')\n"
             "### BEGIN HIDDEN TESTS\ngrade(\"autograd.double\")\n### END HIDDEN TESTS\n",
    "hidden": "\n\nclass TestDouble:\n    def test_double(self, student):\n"
              "        expect_number(student.call(\"double\", 21), 42, \"double(21)\")\n",
}


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    course = released_copy(tmp_path_factory.mktemp("formgrader") / "course", ASSIGNMENT)
    exchange = course.parent / "exchange"  # where release_feedback puts the feedback for students
    exchange.mkdir()
    with open(course / "nbgrader_config.py", "a") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    submit_as_the_exchange_does(course)
    return course


def submit_as_the_exchange_does(course: Path) -> None:
    """The student's reference answers in submitted/, with the timestamp and secret that `nbgrader
    submit` and `collect` leave there (release_feedback names the released file by the secret)."""
    path = hand_in(course, STUDENT, ASSIGNMENT, notebook_with(ASSIGNMENT, {}, root=course), timestamp=HANDED_IN)
    (path.parent / "submission_secret.txt").write_text("a-secret-of-the-students-own")


@pytest.fixture(scope="module")
def lab(course, tmp_path_factory):
    with jupyterlab(course, tmp_path_factory.mktemp("home")) as server:
        yield server


@pytest.fixture(scope="module")
def page(lab):
    with chromium() as browser:
        # formgrader's own requests (its table, its buttons) carry the token too, as a logged-in lab's do
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      extra_http_headers={"Authorization": f"token {lab[1]}"})
        yield context.new_page()
        context.close()


def open_formgrader(page, lab, path: str) -> None:
    base, token = lab
    open_page(page, f"{base}/formgrader/{path}?token={token}")


def student_row(page):
    return formgrader_steps.student_row(page, STUDENT)


def scores(course: Path) -> dict[str, tuple[float | None, float | None]]:
    return formgrader_steps.scores(course, ASSIGNMENT, STUDENT)


def written_points(course: Path) -> float:
    return formgrader_steps.written_points(course, ASSIGNMENT, WRITTEN)


def test_autograde_grade_the_written_answer_and_release_feedback(page, lab, course):
    points = full_points(ASSIGNMENT, root=course)  # the autograded cells
    auto = sum(points.values())
    total = auto + written_points(course)

    open_formgrader(page, lab, f"manage_submissions/{ASSIGNMENT}")
    text = click_and_succeed(page, student_row(page).locator("td.autograde a"))
    assert f"Successfully autograded '{ASSIGNMENT}' for student '{STUDENT}'" in text
    wait_for_text(student_row(page).locator("td.score"), rf"^{auto:g} / {total:g}$")
    shoot(page, "formgrader-autograded")
    graded = scores(course)
    assert {name: graded[name][0] for name in points} == points
    assert graded[WRITTEN] == (None, None)  # waits for the instructor

    open_formgrader(page, lab, submission_page(course, ASSIGNMENT, STUDENT))
    grade_by_hand(page, course, ASSIGNMENT, STUDENT, WRITTEN, written_points(course))
    shoot(page, "formgrader-written-answer-graded")

    open_formgrader(page, lab, f"manage_submissions/{ASSIGNMENT}")
    wait_for_text(student_row(page).locator("td.score"), rf"^{total:g} / {total:g}$")
    click_and_succeed(page, student_row(page).locator("td.generate-feedback a"))
    feedback = course / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    assert re.search(rf"{ASSIGNMENT} \(Score: {total:.1f} / {total:.1f}\)", feedback.read_text())
    click_and_succeed(page, student_row(page).locator("td.release-feedback a"))
    released = list((course.parent / "exchange").rglob("*.html"))
    assert len(released) == 1 and released[0].read_bytes() == feedback.read_bytes(), released
    shoot(page, "formgrader-feedback-released")


def test_a_rerelease_between_two_autogrades_is_graded_as_released(page, lab, course):
    """The same server autogrades again after a re-release that adds a task: the new cell and its
    hidden test are seen, and every cell is graded as released (nothing of the first run is reused:
    not its pytest session, its solutions or its gradebook rows)."""
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(source, as_version=4)
    meta = {"schema_version": 3, "task": False}
    new_cells = [
        nbformat.v4.new_code_cell(NEW_TASK["answer"], metadata={"nbgrader": {
            **meta, "grade": False, "grade_id": "double-answer", "locked": False, "solution": True}}),
        nbformat.v4.new_code_cell(NEW_TASK["check"], metadata={"nbgrader": {
            **meta, "grade": True, "grade_id": "double-check", "locked": True, "points": 1, "solution": False}}),
    ]
    nb.cells[-1:-1] = new_cells  # before the key points
    nbformat.write(nb, source)
    with open(course / "hidden_tests" / f"test_{ASSIGNMENT}.py", "a") as hidden:
        hidden.write(NEW_TASK["hidden"])

    # nbgrader adds cells to a released notebook only once its submissions are gone from the
    # gradebook: the instructor removes them (the files in submitted/ stay), then generates again
    nbgrader(course, "db", "student", "remove", STUDENT, "--force")
    open_formgrader(page, lab, "manage_assignments")
    click_and_succeed(page, formgrader_steps.assignment_row(page, ASSIGNMENT).locator("td.assign a"))
    submit_as_the_exchange_does(course)

    points = full_points(ASSIGNMENT, root=course)
    assert points["double-check"] == 1
    open_formgrader(page, lab, f"manage_submissions/{ASSIGNMENT}")
    click_and_succeed(page, student_row(page).locator("td.autograde a"))
    graded = scores(course)
    assert graded["double-check"][0] == 1, graded
    assert all(graded[name][0] == value for name, value in points.items()), graded
    total = sum(points.values()) + written_points(course)
    wait_for_text(student_row(page).locator("td.score"), rf"^[\d.]+ / {total:g}$")  # out of the new total
    shoot(page, "formgrader-regraded-after-rerelease")
