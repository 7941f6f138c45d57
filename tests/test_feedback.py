"""`nbgrader generate_feedback` shows scores and messages, and nothing of the hidden tests, the solutions or the grader."""
from __future__ import annotations

import ast
import html
import re
import sys
from pathlib import Path

import nbformat
import pytest

from nbgrader.api import Gradebook

from autograder.grading import cell_result, cells
from autograder.grading.exercises import exercises
from autograder.authoring.corpus import cell_outputs, first_message, gradebook_scores, nbgrader
from autograder.nbgrader.course import Course
from autograder.results import feedback as feedback_summary
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
    for grade_id in ("zeros-check", "column-order-check"):
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


# The summary at the top of the page (autograder/results/feedback.py, on the autograd set: it has a
# written answer). A student hands in the release notebook with the first task's answer raising an
# error whose text is markup: the summary names every exercise, and shows that text escaped.
MARKUP = '<img src=x onerror="alert(1)"><b>bold</b>'


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    release = nbformat.read(ROOT / "release" / "autograd" / "autograd.ipynb", as_version=4)
    found = exercises(release)
    answer = next(e for e in found if not e.written).answer
    function = re.search(r"^def (\w+)", answer.source, flags=re.M).group(1)
    course, feedback = graded_feedback(
        tmp_path_factory.mktemp("written") / "course", student="fay", assignment="autograd",
        replace={cells.nbgrader_meta(answer)["grade_id"]: f"def {function}(*args, **kwargs):\n"
                                                         f"    raise ValueError({MARKUP!r})\n"})
    return course, feedback, found


def summary_rows(page: str) -> list[list[str]]:
    table = re.search(r'<table[^>]*id="summary".*?</table>', page, flags=re.S)
    assert table, "the page has no summary table"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(0), flags=re.S)
    return [[visible_text(cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)]
            for row in rows if "<td" in row]


def test_summary_names_each_exercise_with_its_points_and_first_message(written):
    course, feedback, found = written
    page = feedback.read_text()
    assert page.index('id="summary"') < page.index('id="notebook"'), "the summary is not at the top"
    rows = summary_rows(page)
    assert [row[0] for row in rows] == [f"{e.number}. {e.name.replace('`', '')}" for e in found]
    recorded = gradebook_scores(course, "autograd")["fay"]
    for exercise, (_, points, message) in zip(found, rows):
        grade_id = cells.nbgrader_meta(exercise.graded[0])["grade_id"]
        if exercise.written:
            assert points == f"awaiting your instructor ({exercise.points:.1f} points)" and message == ""
            continue
        assert points == f"{recorded[grade_id]:.1f} / {exercise.points:.1f}", grade_id
        first = cell_result.messages_in(cell_outputs(course, "fay", "autograd", grade_id))
        shown = first[0].split("\n")[0] if first else ""
        assert message.rstrip(" …") == shown[:len(message.rstrip(" …"))] and (message or not first), \
            f"{grade_id}: the summary says {message!r}, the cell's first message is {shown!r}"
        assert len(message) <= feedback_summary.MAX_MESSAGE + 2


def test_student_text_in_the_summary_is_escaped(written):
    _, feedback, _ = written
    page = feedback.read_text()
    assert any("<b>bold</b>" in message for _, _, message in summary_rows(page)), "the error's text is not shown"
    assert "<b>bold</b>" not in page and "<img src=x" not in page, "the student's markup is in the page unescaped"


def test_a_written_answer_awaits_its_instructor_outside_the_total(written):
    course, feedback, found = written
    text = visible_text(feedback.read_text())
    auto = sum(e.points for e in found if not e.written)
    waiting = sum(e.points for e in found if e.written)
    assert waiting > 0, "the autograd set has no written answer to look at"
    assert re.search(rf"autograd \(Score: [\d.]+ / {auto:.1f}\)", text), "the total counts the written answer"
    assert f"{waiting:.1f} more points awaiting your instructor" in text
    assert "Awaiting your instructor" in text, "the written answer's own cell does not say it awaits its instructor"

    written_id = cells.nbgrader_meta(next(e for e in found if e.written).graded[0])["grade_id"]
    with Gradebook(Course(course).db_url) as book:
        book.find_grade(written_id, "autograd", "autograd", "fay").manual_score = 1.0
        book.db.commit()
    nbgrader(course, "generate_feedback", "autograd", "--force")
    text = visible_text(feedback.read_text())
    assert re.search(rf"autograd \(Score: [\d.]+ / {auto + waiting:.1f}\)", text), "the graded answer is not counted"
    assert "awaiting your instructor" not in text.lower()
    assert f"1.0 / {waiting:.1f}" in text
