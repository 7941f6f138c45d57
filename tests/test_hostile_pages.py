"""Nothing a student wrote runs in anyone's browser: a hostile submission in the feedback page and in formgrader.

A student's markdown cells, written answer and outputs carry scripts, event handlers, an SVG with a
script, a javascript: link and CSS overlays that claim "all hidden tests passed". The submission is
autograded with nbgrader; then its autograded notebook also gets a cell whose outputs hold the same
payloads as text/html, text/markdown, application/javascript and image/svg+xml (the grader may drop
such outputs from the student's process itself: this tests the rendering layer on its own). The
feedback page (`nbgrader generate_feedback`) and formgrader's view of the submission are loaded in
Chromium; every payload would set `window.__pwned` or the title, or open a dialog, if it ran, and
the overlays must not cover the score. The pages must stay readable: the course's styles apply,
headings and highlighted code render.
"""
from __future__ import annotations

import re
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.authoring.corpus import nbgrader
from browser_steps import CHROMIUM, chromium, jupyterlab
from course_steps import hand_in, notebook_with, released_copy

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt: run ./kit setup")
if not CHROMIUM.exists():
    pytest.fail(f"{CHROMIUM} is missing: `./kit setup` installs Debian's chromium", pytrace=False)

ASSIGNMENT = "autograd"  # it has a written answer (a markdown cell graded by hand)
WRITTEN = "backprop-answer"
STUDENT = "mallory"
TITLE = "untouched"
CLAIM = "ALL HIDDEN TESTS PASSED"  # what the overlays say


def run(name: str, window: str = "window") -> str:
    """JavaScript that marks `name` as having run (in `window`: a frame's script names its parent)."""
    return f"{window}.__pwned=({window}.__pwned||[]).concat(['{name}']);{window}.document.title='pwned-{name}'"


OVERLAY = (f'<div style="position:fixed;top:0;left:0;width:100%;height:100%;z-index:99999;background:#fff;'
           f'font-size:48px">{CLAIM}: 10 / 10</div>')
STYLE = ('<style>body::before{content:"' + CLAIM + '";position:fixed;top:0;left:0;right:0;bottom:0;'
         'z-index:99999;background:#fff;font-size:48px} h4, .score {visibility:hidden}</style>')
SVG = (f'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="{run("svg-onload")}">'
       f'<script>{run("svg-script")}</script><circle cx="20" cy="20" r="10"/></svg>')

PNG = ("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")

MARKDOWN = {  # extra markdown cells the student adds
    "script": f"A note.\n\n<script>{run('md-script')}</script>\n",
    "onerror": f'<img src="x" onerror="{run("md-onerror")}">\n',
    "svg": SVG + "\n",
    "style": STYLE + "\n",
    "overlay": OVERLAY + "\n",
    "javascript-link": f"[see my work](javascript:{run('md-link')})\n\n"
                       f'<a href="javascript:{run("md-a")}">and here</a>\n',
    "iframe": f'<iframe srcdoc="<script>{run("md-iframe", "parent")}</script>"></iframe>\n',
    "alert": "<details open ontoggle=\"alert('md-details')\"><summary>x</summary></details>\n",
}
WRITTEN_ANSWER = (
    "## My answer\n\nThe gradient flows back through each `grad_fn`:\n\n"
    "```python\nd.backward()\nprint(x.grad)\n```\n\n"
    f"<script>{run('written-script')}</script>\n\n"
    f'<img src="x" onerror="{run("written-onerror")}">\n\n' + OVERLAY + "\n"
)
OUTPUTS = [  # the outputs of the cell put into the autograded notebook
    nbformat.v4.new_output("display_data", data={
        "text/html": f"<b>a table</b><script>{run('out-html-script')}</script>"
                     f'<img src="x" onerror="{run("out-html-onerror")}">' + OVERLAY,
        "text/plain": "<a table>"}),
    nbformat.v4.new_output("display_data", data={
        "application/javascript": f"{run('out-javascript')}; alert('out-javascript')",
        "text/plain": "<IPython.core.display.Javascript object>"}),
    nbformat.v4.new_output("display_data", data={"image/svg+xml": SVG, "text/plain": "<svg>"}),
    nbformat.v4.new_output("display_data", data={
        "text/markdown": f"**bold** <script>{run('out-markdown-script')}</script>", "text/plain": "md"}),
    nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}, metadata={
        "image/png": {"width": f"1 onerror={run('out-png-width')}", "height": f"1 onload={run('out-png-height')}"}}),
    nbformat.v4.new_output("execute_result", execution_count=1, data={
        "text/html": STYLE + f'<svg onload="{run("out-html-svg")}"></svg>', "text/plain": "html"}),
]
STUDENT_CODE = (  # the same payloads, displayed by the student's own code when it is graded
    "from IPython.display import HTML, SVG, Javascript, Markdown, display\n"
    f"display(HTML({OUTPUTS[0].data['text/html']!r}))\n"
    f"display(Javascript({run('code-javascript')!r}))\n"
    f"display(SVG({SVG!r}))\n"
    f"display(Markdown({OUTPUTS[3].data['text/markdown']!r}))\n"
    f"HTML({OUTPUTS[5].data['text/html']!r})\n"
)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    course = released_copy(tmp_path_factory.mktemp("hostile") / "course", ASSIGNMENT)
    nb = notebook_with(ASSIGNMENT, {WRITTEN: WRITTEN_ANSWER}, root=course)
    extra = [nbformat.v4.new_markdown_cell(source) for source in MARKDOWN.values()]
    extra.append(nbformat.v4.new_code_cell(STUDENT_CODE))
    nb.cells[1:1] = extra  # near the top, before the first task
    hand_in(course, STUDENT, ASSIGNMENT, nb)
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    autograded = course / "autograded" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    graded = nbformat.read(autograded, as_version=4)
    assert graded.cells[1 + len(MARKDOWN)].source == STUDENT_CODE, "the student's added cells are not where expected"
    with_outputs = nbformat.v4.new_code_cell("show()", outputs=OUTPUTS, execution_count=1)
    graded.cells.insert(2 + len(MARKDOWN), with_outputs)
    nbformat.write(graded, autograded)
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    return course


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


class Watched:
    """A page with everything a payload could do recorded: dialogs and console messages."""

    def __init__(self, page):
        self.page, self.dialogs, self.console = page, [], []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: self.console.append(message.text))

    def assert_nothing_ran(self):
        page = self.page
        page.wait_for_timeout(500)  # an onerror or onload fires after the load
        ran = page.evaluate("window.__pwned || []")
        assert ran == [], f"student code ran in the page: {ran}"
        assert not page.title().startswith("pwned"), page.title()
        assert self.dialogs == [], f"the page opened dialogs: {self.dialogs}"
        links = page.evaluate("Array.from(document.links).filter(a => a.protocol === 'javascript:')"
                              ".map(a => a.outerHTML)")
        assert links == [], f"javascript: links in the page: {links}"
        assert page.locator("iframe").count() == 0

    def assert_not_covered(self, score):
        """`score` (the real score) is visible, on top, and no element claiming the pass covers it."""
        score.wait_for(state="visible")
        score.scroll_into_view_if_needed()
        box = score.bounding_box()
        assert box, "the score has no box"
        on_top = self.page.evaluate(
            "([element, x, y]) => { const top = document.elementFromPoint(x, y);"
            " return element.contains(top) ? '' : (top ? top.outerHTML.slice(0, 300) : 'nothing') }",
            [score.element_handle(), box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
        assert on_top == "", f"something covers the score: {on_top}"
        for claim in self.page.get_by_text(CLAIM).all():
            if claim.is_visible():
                position = claim.evaluate("e => getComputedStyle(e).position")
                assert position in ("static", "relative"), f"the claim is positioned {position}"
        content = self.page.evaluate("getComputedStyle(document.body, '::before').content")
        assert CLAIM not in content, "a style of the student's draws the claim over the page"


def test_the_feedback_page_runs_nothing_of_the_students(course, browser):
    feedback = course / "feedback" / STUDENT / ASSIGNMENT / f"{ASSIGNMENT}.html"
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    watched = Watched(context.new_page())
    watched.page.goto(feedback.as_uri())
    watched.page.wait_for_load_state("load")
    watched.assert_nothing_ran()
    watched.assert_not_covered(watched.page.locator("h4", has_text=re.compile(r"Score: [\d.]+ / [\d.]+")).first)

    # the page is still the course's: its styles apply, and no style of its own was refused
    page = watched.page
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "14px"
    assert page.evaluate("getComputedStyle(document.querySelector('.panel')).borderTopWidth") == "1px"
    assert page.locator("h2", has_text="My answer").count() == 1, "the written answer's heading did not render"
    assert page.locator(".highlight span.n", has_text="backward").count() >= 1, "the code in the answer is not highlighted"
    refused = [text for text in watched.console if "Content Security Policy" in text]
    assert refused == [], f"the page's policy refused something: {refused}"
    csp = page.locator('meta[http-equiv="Content-Security-Policy"]')
    assert csp.count() == 1, "the feedback page has no Content-Security-Policy"
    assert "script-src" in csp.get_attribute("content") and "'unsafe-inline'" not in \
        csp.get_attribute("content").split("script-src")[1].split(";")[0]
    context.close()


def manual_score(course) -> float | None:
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, STUDENT)
        return {grade.name: grade.manual_score for grade in notebook.grades}[WRITTEN]


def test_formgraders_view_of_the_submission_runs_nothing_of_the_students(course, browser, tmp_path_factory):
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        submission = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, STUDENT).id
    with jupyterlab(course, tmp_path_factory.mktemp("home")) as (base, token):
        context = browser.new_context(viewport={"width": 1400, "height": 900},
                                      extra_http_headers={"Authorization": f"token {token}"})
        watched = Watched(context.new_page())
        watched.page.goto(f"{base}/formgrader/submissions/{submission}/?token={token}")
        watched.page.wait_for_load_state("networkidle")
        watched.assert_nothing_ran()
        score = watched.page.locator(f"input.score#{WRITTEN}")
        watched.assert_not_covered(score)
        # formgrader's own scripts still run: they fill in the score boxes
        assert watched.page.locator(".highlight span.n", has_text="backward").count() >= 1
        score.fill("1")
        score.press("Tab")
        deadline = time.monotonic() + 30
        while manual_score(course) != 1:
            assert time.monotonic() < deadline, f"formgrader did not save the score: {manual_score(course)}"
            time.sleep(0.3)
        context.close()
