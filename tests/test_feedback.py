"""`nbgrader generate_feedback` shows scores and messages, and nothing of the hidden tests, the solutions or the grader."""
from __future__ import annotations

import ast
import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.grading import cells
from autograder.authoring.corpus import first_message, gradebook_scores
from course_steps import graded_feedback

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    course, feedback = graded_feedback(tmp_path_factory.mktemp("feedback") / "course", student="erin")
    return course, feedback.read_text()


def visible_text(page: str) -> str:
    body = re.sub(r"<(style|script)\b.*?</\1>", "", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def test_each_autograded_item_shows_its_recorded_score(graded):
    course, page = graded
    shown = {grade_id: float(score) for grade_id, score, _ in
             re.findall(r"Grade cell: ([\w-]+)\s+Score: ([\d.]+) / ([\d.]+)", visible_text(page))}
    recorded = gradebook_scores(course, "tensors")["erin"]
    assert shown == pytest.approx(recorded), f"feedback shows {shown}, the gradebook holds {recorded}"
    assert 0 < sum(recorded.values()) < 20, "the submission should pass some items and fail others"


def test_failure_messages_are_shown(graded):
    course, page = graded
    text = visible_text(page)
    assert "the entries are all 1.0 (torch.ones?)" in text, "the failed visible check's message is missing"
    for grade_id in ("zeros-check", "matmul-check"):
        message = first_message(course, "erin", "tensors", grade_id)
        assert message and message in text, f"{grade_id}: hidden-test message {message!r} missing from the feedback"


def test_no_hidden_test_code(graded):
    _, page = graded
    assert 'grade("' not in html.unescape(page) and "HIDDEN TESTS" not in page
    hidden = ast.parse((ROOT / "hidden_tests" / "test_tensors.py").read_text())
    names = {node.name for node in ast.walk(hidden) if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    assert names, "found no hidden test names to look for"
    leaked = sorted(name for name in names if name in page)
    assert not leaked, f"hidden test names in the feedback: {leaked}"


def test_no_solution_code(graded):
    course, page = graded
    text = visible_text(page)
    release = nbformat.read(course / "release" / "tensors" / "tensors.ipynb", as_version=4)
    submitted = nbformat.read(course / "submitted" / "erin" / "tensors" / "tensors.ipynb", as_version=4)
    handed_out = "\n".join(cell.source for cell in release.cells + submitted.cells)
    solution_lines = {line.strip() for line in (ROOT / "solutions" / "tensors.py").read_text().splitlines()
                      if line.strip() and not line.strip().startswith(("#", '"""', "import ", "def "))}
    secret = sorted(line for line in solution_lines if line not in handed_out)
    assert secret, "every solution line is in the release notebook: nothing to look for"
    leaked = [line for line in secret if line in text]
    assert not leaked, f"solution code in the feedback: {leaked}"
    assert not any(cells.nbgrader_meta(c).get("solution") and "BEGIN SOLUTION" in c.source for c in release.cells)


def test_no_paths_of_the_grading_machine(graded):
    course, page = graded
    for path in {str(course), str(course.parent), "/work/", "/root", "site-packages", sys.prefix, str(ROOT)}:
        assert path not in page, f"the feedback names {path!r} of the grading machine"
