"""formgrader in a browser, as the instructor's tests drive it (test_formgrader.py in a lab of its
own, test_jupyterhub.py on a hub): its pages, rows and buttons, and the scores it keeps."""
from __future__ import annotations

import re
import time
from pathlib import Path

import nbformat
from nbgrader.api import Gradebook


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")  # its scripts have loaded the table and bound the buttons


def assignment_row(page, assignment: str):
    return page.locator("tr", has=page.locator("td.name", has_text=re.compile(rf"^\s*{assignment}")))


def student_row(page, student: str):
    return page.locator("tr", has=page.locator("td.student-id", has_text=re.compile(rf"^{student}$")))


def click_and_succeed(page, button, timeout: float = 300) -> str:
    """Click a formgrader button and wait for its modal: the success modal's text (the modal closed
    again), or fail with the error's."""
    button.click()
    modal = page.locator("#success-modal, #error-modal")
    modal.first.wait_for(timeout=timeout * 1000)
    text = modal.first.inner_text()
    assert page.locator("#success-modal").count() == 1, f"formgrader reported an error:\n{text[-3000:]}"
    page.locator("#success-modal .modal-footer button", has_text="OK").first.click()
    page.locator("#success-modal").wait_for(state="detached", timeout=30_000)
    return text


def wait_for_text(locator, pattern: str, timeout: float = 60) -> str:
    """The locator's text once it matches the pattern (formgrader fills its tables after loading)."""
    deadline = time.monotonic() + timeout
    while not re.search(pattern, text := locator.inner_text().strip()):
        assert time.monotonic() < deadline, f"shows {text!r}, not {pattern!r}"
        time.sleep(0.3)
    return text


def gradebook(course: Path) -> Gradebook:
    return Gradebook(f"sqlite:///{course / 'gradebook.db'}")


def scores(course: Path, assignment: str, student: str) -> dict[str, tuple[float | None, float | None]]:
    """{grade cell: (auto score, manual score)} of the student's submission (notebook named as the assignment)."""
    with gradebook(course) as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {grade.name: (grade.auto_score, grade.manual_score) for grade in notebook.grades}


def written_points(course: Path, assignment: str, grade_id: str) -> float:
    """The points of a written answer (a manually graded answer cell, not a test cell), from the source."""
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    return next(float(c.metadata["nbgrader"]["points"]) for c in nb.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def grade_by_hand(page, course: Path, assignment: str, student: str, grade_id: str, score: float) -> None:
    """On the submission's page, type the score of a written answer; wait until the gradebook has it."""
    box = page.locator(f"input.score#{grade_id}")
    box.fill(f"{score:g}")
    box.press("Tab")  # formgrader saves a score when its box loses focus
    deadline = time.monotonic() + 30
    while scores(course, assignment, student)[grade_id][1] != score:
        assert time.monotonic() < deadline, \
            f"{student}'s manual score was not saved: {scores(course, assignment, student)[grade_id]}"
        time.sleep(0.3)


def submission_page(course: Path, assignment: str, student: str) -> str:
    """The path of the student's submission in formgrader (submissions/<notebook id>/)."""
    with gradebook(course) as gb:
        return f"submissions/{gb.find_submission_notebook(assignment, assignment, student).id}/"
