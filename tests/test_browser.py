"""The student's view: JupyterLab on localhost, driven in Debian's headless Chromium by Playwright.

Opens every release notebook, runs all cells, sees each task's visible check fail while the stub is
there; types a wrong and then the reference answer into one task and sees its check fail with its
message, then pass; sees every solved notebook print each check's expected line, the torchviz graph and the plots; opens a feedback
page. Screenshots go to $KIT_SCREENSHOTS, default reports/browser-screenshots/ (the path is printed).
Needs /usr/bin/chromium (`./kit setup` installs it); no browser is downloaded.
"""
from __future__ import annotations

import json
import re
import shutil
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

import browser_steps
from autograder.authoring import exercises
from autograder.authoring.corpus import assignments, full_points
from browser_steps import CHROMIUM, ROOT, chromium, jupyterlab
from course_steps import graded_feedback, notebook_with

WITH_PICTURES = ("autograd", "building_blocks", "ann", "training")  # graph or plots, seen once the tasks are solved
ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt: run ./kit setup")
if not CHROMIUM.exists():
    pytest.fail(f"{CHROMIUM} is missing: `./kit setup` installs Debian's chromium", pytrace=False)


@pytest.fixture(scope="module")
def lab_files(tmp_path_factory) -> Path:
    """What the student's JupyterLab serves: the release notebooks, solved copies, and one feedback page."""
    root = tmp_path_factory.mktemp("lab")
    for assignment in assignments():
        shutil.copytree(ROOT / "release" / assignment, root / assignment)
    (root / "solved").mkdir()
    for assignment in assignments():
        nbformat.write(notebook_with(assignment, {}), root / "solved" / f"{assignment}.ipynb")
    _, feedback = graded_feedback(tmp_path_factory.mktemp("graded") / "course")
    (root / "feedback").mkdir()
    shutil.copy(feedback, root / "feedback" / "tensors.html")
    return root


@pytest.fixture(scope="module")
def lab(lab_files, tmp_path_factory):
    """A JupyterLab server on localhost with a token, started once for the module."""
    with jupyterlab(lab_files, tmp_path_factory.mktemp("home")) as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    yield context.new_page()
    context.close()


def shut_down_kernels(base: str, token: str) -> None:
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}") as reply:
        for session in json.load(reply):
            request = urllib.request.Request(f"{base}/api/sessions/{session['id']}?token={token}", method="DELETE")
            urllib.request.urlopen(request).close()


def kernel_ready(base: str, token: str) -> bool:
    with urllib.request.urlopen(f"{base}/api/sessions?token={token}") as reply:
        return any(session["kernel"]["execution_state"] == "idle" for session in json.load(reply))


def open_notebook(page, lab, path: str) -> None:
    base, token = lab
    page.goto(f"{base}/lab/workspaces/{re.sub(r'[^a-z]', '-', path)}/tree/{path}?reset&token={token}")
    page.wait_for_selector(f"{ACTIVE} .jp-CodeCell", timeout=90_000)
    deadline = time.monotonic() + 120
    while not kernel_ready(base, token):  # the page's indicator says idle before the kernel is up
        assert time.monotonic() < deadline, "the notebook's kernel did not start"
        time.sleep(0.5)
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=60_000)


def code_cells(page):
    return page.locator(f"{ACTIVE} .jp-CodeCell")


def prompts(page) -> list[str]:
    return [text.strip() for text in code_cells(page).locator(".jp-InputArea-prompt").all_inner_texts()]


def menu(page, top: str, item: str) -> None:
    page.locator(".lm-MenuBar-item", has_text=re.compile(rf"^{top}$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(rf"^{re.escape(item)}")).first.click()


def wait_until_run(page, index: int, before: str = "", timeout: float = 180) -> None:
    """Until code cell `index` shows an execution count other than `before` and no cell is queued."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = prompts(page)
        if re.fullmatch(r"\[\d+\]:", shown[index]) and shown[index] != before and not any("*" in p for p in shown):
            return
        time.sleep(0.3)
    raise AssertionError(f"code cell {index} did not run: prompts {prompts(page)}")


def run_every_cell(page) -> None:
    """Run → Run All Cells; Jupyter stops at the first failing cell, so go on from each stop as a student would."""
    menu(page, "Run", "Run All Cells")
    wait_until_run(page, 0)
    for _ in range(len(prompts(page))):
        waiting = [i for i, p in enumerate(prompts(page)) if not re.fullmatch(r"\[\d+\]:", p)]
        if not waiting:
            return
        code_cells(page).nth(waiting[0]).locator(".jp-InputArea-prompt").click()
        menu(page, "Run", "Run Selected Cell and All Below")
        wait_until_run(page, waiting[0])
    raise AssertionError(f"cells left unrun: {prompts(page)}")


def grade_ids(notebook: Path) -> list[str]:
    return [c.metadata.get("nbgrader", {}).get("grade_id", "") for c in nbformat.read(notebook, as_version=4).cells
            if c.cell_type == "code"]


def output_of(page, index: int) -> str:
    return "\n".join(code_cells(page).nth(index).locator(".jp-OutputArea-output").all_inner_texts())


def shoot(page, name: str, index: int | None = None) -> None:
    if index is not None:
        code_cells(page).nth(index).scroll_into_view_if_needed()
    browser_steps.shoot(page, name)


@pytest.mark.parametrize("assignment", assignments())
def test_each_visible_check_fails_on_the_stub(page, lab, lab_files, assignment):
    open_notebook(page, lab, f"{assignment}/{assignment}.ipynb")
    run_every_cell(page)
    ids = grade_ids(lab_files / assignment / f"{assignment}.ipynb")
    checks = [i for i, grade_id in enumerate(ids) if grade_id.endswith("-check")]
    assert checks, "no visible checks found"
    for index in checks:
        output = output_of(page, index)
        # The stub raises NotImplementedError; a check that uses an earlier task's result sees a NameError.
        assert re.search(r"\b(NotImplementedError|NameError)\b", output), f"{ids[index]} shows {output[:300]!r}"
        printed = code_cells(page).nth(index).locator("[data-mime-type='application/vnd.jupyter.stdout']")
        assert "passes the visible checks" not in "".join(printed.all_inner_texts())
    shoot(page, f"{assignment}-stubs", checks[0])
    shut_down_kernels(*lab)


def test_a_task_fails_with_its_message_then_passes(page, lab, lab_files):
    open_notebook(page, lab, "tensors/tensors.ipynb")
    run_every_cell(page)
    ids = grade_ids(lab_files / "tensors" / "tensors.ipynb")
    answer, check = ids.index("zeros-answer"), ids.index("zeros-check")
    reference = [c.source for c in notebook_with("tensors", {}).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "zeros-answer"][0]
    for code, expected in [("def make_zeros(rows, cols):\n    return torch.ones(rows, cols)\n",
                            "the entries are all 1.0 (torch.ones?)"),
                           (reference, "make_zeros passes the visible checks")]:
        before = prompts(page)[check]
        code_cells(page).nth(answer).locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(code)  # typed as a paste: no auto-indent
        page.keyboard.press("Shift+Enter")
        wait_until_run(page, answer)
        page.keyboard.press("Shift+Enter")
        wait_until_run(page, check, before)
        assert expected in output_of(page, check), output_of(page, check)
    shoot(page, "tensors-zeros-passes", check)
    shut_down_kernels(*lab)


@pytest.mark.parametrize("assignment", assignments())
def test_graph_and_plots_render_once_solved(page, lab, lab_files, assignment):
    open_notebook(page, lab, f"solved/{assignment}.ipynb")
    run_every_cell(page)
    ids = grade_ids(lab_files / "solved" / f"{assignment}.ipynb")
    expected = {e.check.metadata.nbgrader.grade_id: e.expected_output for e in exercises.exercises(
        nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)) if not e.written}
    for index, grade_id in enumerate(ids):
        if grade_id.endswith("-check"):
            shown = output_of(page, index)
            assert not re.search(r"\w+Error\b", shown), f"{grade_id}: {shown[:300]}"
            # the student sees the success line the exercise's text promises
            assert any(exercises.matches_expected(expected[grade_id], line) for line in shown.splitlines()), \
                f"{grade_id}: shows {shown[:300]!r}, the text promises {expected[grade_id]!r}"
    cells = code_cells(page)
    if assignment == "autograd":
        # JupyterLab shows an SVG output as an <img> of the SVG document.
        graph = cells.locator("[data-mime-type='image/svg+xml'] img").first
        graph.scroll_into_view_if_needed()
        svg = urllib.parse.unquote(graph.get_attribute("src"))
        assert svg.count('class="node"') >= 3, "the torchviz graph has no nodes"
        assert graph.evaluate("img => img.complete && img.naturalHeight > 50")
    elif assignment in WITH_PICTURES:
        plots = cells.locator("[data-mime-type='image/png'] img")
        assert plots.count() >= 1, "no plot rendered"
        plots.first.scroll_into_view_if_needed()
        assert plots.first.evaluate("img => img.complete && img.naturalWidth > 100")
    shoot(page, f"{assignment}-solved")
    shut_down_kernels(*lab)


def test_feedback_page_shows_scores_and_messages(page, lab_files):
    page.goto((lab_files / "feedback" / "tensors.html").as_uri())
    text = page.inner_text("body")
    full = sum(full_points("tensors").values())
    assert re.search(rf"tensors \(Score: [\d.]+ / {full:.1f}\)", text)
    assert "Grade cell: zeros-check" in text and "the entries are all 1.0 (torch.ones?)" in text
    assert "column_order(" in text and "Hidden tests:" in text
    browser_steps.shoot(page, "feedback", full_page=True)


def test_feedback_page_leads_with_a_summary_as_a_student_reads_it(page, tmp_path_factory):
    """building_blocks: its written answer not yet graded, and a loss without its 1/2. The page's top names
    every exercise, says the written answer awaits the instructor, and the failure names its input."""
    release = nbformat.read(ROOT / "release" / "building_blocks" / "building_blocks.ipynb", as_version=4)
    found = exercises.exercises(release)
    answer = next(e.answer for e in found if e.answer is not None and "def half_mse" in e.answer.source)
    wrong = "def half_mse(y_hat, y):\n    return ((y_hat - y) ** 2).mean()\n"
    _, feedback = graded_feedback(tmp_path_factory.mktemp("summary") / "course", student="gus",
                                  assignment="building_blocks",
                                  replace={answer.metadata["nbgrader"]["grade_id"]: wrong})
    page.goto(feedback.as_uri())
    summary = page.locator("#summary")
    assert summary.is_visible() and summary.bounding_box()["y"] < 400, "the summary is not at the top of the page"
    text = summary.inner_text()
    for exercise in found:
        assert f"{exercise.number}. {exercise.name.replace('`', '')}" in text, f"exercise {exercise.number} unnamed"
    assert "awaiting your instructor" in text
    body = page.inner_text("body")
    failed = re.search(r"half_mse\(y_hat, y\)[^\n]*: your loss is twice the expected value[^\n]*", body)
    assert failed, "the hidden tests' message for the missing 1/2 is not on the page"
    assert re.search(r"\(input: y_hat = .+, y = .+\)$", failed.group(0)), f"no input named: {failed.group(0)!r}"
    browser_steps.shoot(page, "feedback-summary", full_page=True)
