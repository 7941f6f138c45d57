"""A course on a real JupyterHub, end to end in Debian's headless Chromium: one instructor, two students.

The hub is the one `.ci/jupyterhub.sh` starts with docs/jupyterhub/ unchanged (CI runs it): system
users logging in with their passwords (PAM), each with a JupyterLab of their own started by the hub
as that user, nbgrader's extensions, the exchange in /srv/nbgrader/exchange, and the course (this
repository's layout) in the instructor's home. For one assignment:

1. the instructor generates and releases it in formgrader;
2. each student logs in, fetches it in the Assignment List, saves their answers into the fetched
   notebook (alice the reference, carol a typical mistake: tests/sample_class/<student>/), validates
   and submits it there;
3. the instructor collects in formgrader and autogrades each submission there (the kit's engine,
   its sandbox and hidden tests, in the instructor's server), sees both scores, grades the written
   answer by hand, generates and releases feedback;
4. each student fetches the feedback and sees their score, carol her mistake named;
5. from carol's own server, through the hub, alice's submission, the hidden tests and the
   solutions cannot be read, nor alice's server reached;
6. carol hands in again by hand, from her own server: a folder in the exchange's inbound whose
   notebook links to the source notebook, with pages linking to it and to the gradebook; the
   instructor collects, autogrades and releases feedback as before: carol scores 0 and nothing of
   the course is released.

Screenshots go with the other browser tests' (browser_steps.SCREENSHOTS, names hub-*.png).
Skips, saying why, only where no hub answers; where .ci/run started one (KIT_HUB_REQUIRED=1), a hub
that does not answer fails the test instead.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
import urllib.parse
import urllib.request
from pathlib import Path

import nbformat
import pytest

import browser_steps
import formgrader_steps
from autograder.authoring.corpus import full_points, gradebook_scores
from autograder.authoring.submissions import build_notebook, read_case
from browser_steps import CHROMIUM, ROOT, chromium
from formgrader_steps import click_and_succeed, grade_by_hand, open_page, student_row, submission_page, wait_for_text

pytest.importorskip("playwright.sync_api", reason="playwright is in requirements.txt: run ./kit setup")

ASSIGNMENT = "autograd"  # it has a written answer, graded by hand
WRITTEN = "backprop-answer"
COURSE_ID = "deep-learning-fundamentals"
STATE = Path(os.environ.get("KIT_HUB_STATE", "/srv/jupyterhub"))  # where .ci/jupyterhub.sh leaves test-users.json
STUDENTS = ("alice", "carol")  # as .ci/jupyterhub.sh makes them; their answers: tests/sample_class/<student>/
MISTAKE = "the .grad of a, b or c is None"  # carol's mistake as her feedback names it (her case file's `says`)


def _hub() -> dict:
    """What .ci/jupyterhub.sh wrote about the hub it started, once the hub answers; else skip (fail under CI)."""
    why = None
    try:
        hub = json.loads((STATE / "test-users.json").read_text())
        urllib.request.urlopen(f"{hub['url']}/hub/api", timeout=10).close()
    except (OSError, ValueError, KeyError) as exc:
        why = (f"no JupyterHub started by .ci/jupyterhub.sh answers here ({exc}): run `bash .ci/jupyterhub.sh` "
               "as root (CI does)")
    if why:
        if os.environ.get("KIT_HUB_REQUIRED") == "1":  # .ci/run started one: its loss is a failure
            pytest.fail(why, pytrace=False)
        pytest.skip(why)
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `./kit setup` installs Debian's chromium", pytrace=False)
    return hub


@pytest.fixture(scope="module")
def hub() -> dict:
    hub = _hub()
    if (Path(hub["exchange"]) / COURSE_ID).exists():
        pytest.fail("the course has run on this hub already: `bash .ci/jupyterhub.sh` sets it up afresh",
                    pytrace=False)
    return hub


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


def shoot(page, name: str) -> None:
    browser_steps.shoot(page, f"hub-{name}")


class User:
    """One person's browser session on the hub: logged in with their password, their server started."""

    def __init__(self, browser, hub: dict, name: str):
        self.hub, self.name = hub, name
        self.url = hub["url"]
        self.server = f"{self.url}/user/{name}"
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)

    def log_in(self) -> None:
        page = self.page
        page.goto(f"{self.url}/hub/login")
        page.fill("#username_input", self.name)
        page.fill("#password_input", self.hub["passwords"][self.name])
        page.click("#login_submit")
        # the hub starts the server (spawn-pending), then sends the browser to its lab
        page.wait_for_url(re.compile(rf"/user/{self.name}/lab"), timeout=180_000)
        page.locator("#jp-main-dock-panel").wait_for(timeout=120_000)

    def xsrf(self) -> str:
        for cookie in self.context.cookies(self.server + "/"):
            if cookie["name"] == "_xsrf":
                return cookie["value"]
        raise AssertionError(f"{self.name}'s server set no _xsrf cookie")

    def api(self, method: str, path: str, body=None):
        """A request to the user's own server through the hub, with the browser's cookies (as the lab sends)."""
        return self.context.request.fetch(f"{self.server}/api/{path}", method=method,
                                          headers={"X-XSRFToken": self.xsrf()},
                                          data=json.dumps(body) if body is not None else None)

    def close(self) -> None:
        self.context.close()


# -- the instructor, in formgrader ---------------------------------------------------------------

def formgrader(user: User, path: str) -> None:
    open_page(user.page, f"{user.server}/formgrader/{path}")


def assignment_row(page):
    return formgrader_steps.assignment_row(page, ASSIGNMENT)


# -- a student, in the Assignment List ------------------------------------------------------------

def assignment_list(user: User) -> None:
    page = user.page
    page.locator(".lm-MenuBar-item", has_text=re.compile(r"^Nbgrader$")).click()
    page.locator(".lm-Menu-item:visible", has_text=re.compile(r"^Assignment List")).first.click()
    page.locator("#released_assignments_list").wait_for()


def list_row(page, which: str):
    """The row of the assignment in the Assignment List's released, fetched or submitted part."""
    return page.locator(f"#{which}_assignments_list .list_item", has_text=ASSIGNMENT).first


def case_of(student: str):
    """The student's answers and what the grader should make of them (tests/sample_class/<student>/)."""
    return read_case(ROOT / "tests" / "sample_class" / student / ASSIGNMENT / f"{ASSIGNMENT}.py")


def solved_notebook(student: str):
    return build_notebook(case_of(student), ROOT / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                          ROOT / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def save_answers(user: User) -> None:
    """The student's answers into the fetched notebook, saved through their server's contents API as the lab saves."""
    nb = solved_notebook(user.name)
    path = f"contents/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"
    response = user.api("PUT", path, {"type": "notebook", "format": "json", "content": nb})
    assert response.ok, f"{user.name}: saving the notebook: {response.status} {response.text()[:500]}"


def fetch_validate_submit(user: User, validation_says: str) -> None:
    page = user.page
    assignment_list(user)
    released = list_row(page, "released")
    released.wait_for()
    shoot(page, f"{user.name}-released")
    released.locator("button", has_text="Fetch").click()
    list_row(page, "fetched").wait_for(timeout=60_000)
    shoot(page, f"{user.name}-fetched")
    save_answers(user)

    fetched = list_row(page, "fetched")
    fetched.locator("a.assignment-notebooks-link").click()  # unfolds the assignment's notebooks
    fetched.locator("button", has_text="Validate").first.click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for(timeout=180_000)
    text = dialog.inner_text()
    assert validation_says in text, text[:2000]
    shoot(page, f"{user.name}-validated")
    dialog.locator("button", has_text=re.compile("OK|Ok|Close")).first.click()

    fetched.locator("button", has_text="Submit").click()
    list_row(page, "submitted").wait_for(timeout=60_000)
    shoot(page, f"{user.name}-submitted")


def fetch_feedback(user: User) -> str:
    """Fetch Feedback in the Assignment List; the feedback page's text, as the student's server serves it."""
    page = user.page
    assignment_list(user)
    submitted = list_row(page, "submitted")
    submitted.locator("button", has_text="Fetch Feedback").click()
    page.locator("#submitted_assignments_list", has_text="view feedback").wait_for(timeout=60_000)
    listing = user.api("GET", f"contents/{ASSIGNMENT}/feedback?content=1")
    assert listing.ok, listing.text()[:500]
    folders = [item["name"] for item in listing.json()["content"] if item["type"] == "directory"]
    assert len(folders) == 1, folders
    shoot(page, f"{user.name}-feedback-fetched")
    # "view feedback" opens the feedback folder in the file browser; the student opens the page there
    page.locator("#submitted_assignments_list a", has_text="view feedback").first.click()
    html = page.locator(".jp-DirListing-item", has_text=f"{ASSIGNMENT}.html")
    folder = page.locator(".jp-DirListing-item", has_text=folders[0])
    html.or_(folder).first.wait_for()
    if not html.count():  # the feedback folder holds one folder per submission time
        folder.dblclick()
    html.dblclick()
    feedback = page.frame_locator(".jp-HTMLViewer:not(.lm-mod-hidden) iframe").locator("body")
    wait_for_text(feedback, rf"{ASSIGNMENT} \(Score:", timeout=60)
    text = feedback.inner_text()
    # the picture: the mistake where one is named, else the score at the top
    named = feedback.get_by_text(MISTAKE).first
    if named.count():
        named.scroll_into_view_if_needed()
    shoot(page, f"{user.name}-feedback")
    return text


# -- what a student cannot read ---------------------------------------------------------------------

PROBE = """\
import json, os, sys
seen = {}
for what, path in json.loads(%r).items():
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            open(path, 'rb').read(1)
        seen[what] = 'READ'
    except PermissionError:
        seen[what] = 'denied'
    except FileNotFoundError:
        seen[what] = 'missing'
# the lesson's files anywhere in what every server runs from: its Python environment, its configuration,
# the folder the kit's engine is imported from (a checkout, if it was installed editable)
import importlib.util
engine = importlib.util.find_spec('autograder')
tops = [sys.prefix, *os.environ.get('JUPYTER_CONFIG_PATH', '').split(os.pathsep)]
tops += [os.path.dirname(os.path.dirname(engine.origin))] if engine and engine.origin else []
lesson = []
for top in dict.fromkeys(tops):
    for folder, folders, files in os.walk(top or '/nonexistent'):
        lesson += [os.path.join(folder, name) for name in folders + files if name in %r]
seen['lesson files in the server environment'] = lesson
print('PROBE ' + json.dumps(seen, sort_keys=True))
"""


def run_in_server(user: User, name: str, code: str, marker: str) -> str:
    """Run `code` in a notebook of the user's own lab (their kernel, their uid), as they would: what it
    printed after `marker`."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)],
                                  metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                           "language": "python"}})
    response = user.api("PUT", f"contents/{name}.ipynb", {"type": "notebook", "format": "json", "content": nb})
    assert response.ok, response.text()[:500]
    page = user.page
    page.goto(f"{user.server}/lab/workspaces/{name}/tree/{name}.ipynb?reset")
    cell = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").first
    cell.wait_for(timeout=90_000)
    page.get_by_text(re.compile(r"\| Idle$")).first.wait_for(timeout=120_000)
    cell.locator(".jp-InputArea-prompt").click()
    page.keyboard.press("Shift+Enter")
    output = cell.locator(".jp-OutputArea-output")
    wait_for_text(output.first, rf"{marker} ", timeout=120)
    return output.first.inner_text().split(f"{marker} ", 1)[1].strip()


def probe_from_server(user: User, paths: dict[str, str]) -> dict[str, object]:
    """Run the probe in a notebook in the user's own lab (their kernel, their uid): {what: READ|denied|missing},
    and the lesson's files found where the server runs from."""
    lesson_names = ["hidden_tests", "solutions", f"test_{ASSIGNMENT}.py", f"{ASSIGNMENT}.ipynb"]
    seen = run_in_server(user, "probe", PROBE % (json.dumps(paths), lesson_names), "PROBE")
    shoot(user.page, f"{user.name}-cannot-read")
    return json.loads(seen)


# What a student can do in the exchange's inbound folder, which every user may write (mode 733): make
# a submission folder by hand, as nbgrader's submit names one, its notebook a link to the instructor's
# source notebook, beside it pages that link to that notebook and to the gradebook, and a submission
# secret of their own, which names the feedback pages released to them.
HAND_MADE = """\
import datetime, json, os
inbound, student, assignment, source, gradebook, secret = json.loads(%r)
now = datetime.datetime.now(datetime.timezone.utc).strftime('%%Y-%%m-%%d %%H:%%M:%%S.%%f UTC')
folder = os.path.join(inbound, f'{student}+{assignment}+{now}+handmade')
os.mkdir(folder)
os.chmod(folder, 0o777)
os.symlink(source, os.path.join(folder, f'{assignment}.ipynb'))
os.symlink(source, os.path.join(folder, 'answers.html'))
os.symlink(gradebook, os.path.join(folder, 'gradebook.html'))
for name, text in (('timestamp.txt', now), ('submission_secret.txt', secret)):
    with open(os.path.join(folder, name), 'w') as handle:
        handle.write(text)
print('HANDED ' + json.dumps(sorted(os.listdir(folder))))
"""


def expected_scores() -> dict[str, tuple[float, float]]:
    """{student: (autograded score, final score)}: alice's case is the reference, carol's case says
    which cells she loses; the instructor gives alice the written answer's points, carol half."""
    points = full_points(ASSIGNMENT)
    auto = sum(points.values())
    scores = {}
    for name, share in zip(STUDENTS, (1, 0.5)):
        earned = auto - sum(points[grade_id] - got for grade_id, got in case_of(name).expect.items())
        scores[name] = (earned, earned + share * formgrader_steps.written_points(ROOT, ASSIGNMENT, WRITTEN))
    return scores


TOTAL = sum(full_points(ASSIGNMENT).values()) + formgrader_steps.written_points(ROOT, ASSIGNMENT, WRITTEN)


@pytest.mark.slow
def test_a_course_on_the_hub(hub, browser):
    instructor_name, (alice_name, carol_name) = hub["instructor"], hub["students"]
    assert tuple(hub["students"]) == STUDENTS, hub["students"]
    course, exchange = Path(hub["course"]), Path(hub["exchange"])
    scores = expected_scores()
    assert scores[alice_name][0] == sum(full_points(ASSIGNMENT).values()), "alice's case is the reference"
    assert any(MISTAKE in says for _, says in case_of(carol_name).says), case_of(carol_name).says
    started = time.monotonic()
    timings = {}

    # 1. the instructor generates and releases the assignment in formgrader
    instructor = User(browser, hub, instructor_name)
    instructor.log_in()
    timings["instructor logged in"] = time.monotonic() - started
    formgrader(instructor, "manage_assignments")
    page = instructor.page
    click_and_succeed(page, assignment_row(page).locator("td.assign a"))
    click_and_succeed(page, assignment_row(page).locator("td.release a"))
    wait_for_text(assignment_row(page).locator("td.status"), "released")
    shoot(page, "formgrader-released")
    assert (exchange / COURSE_ID / "outbound" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    timings["released"] = time.monotonic() - started

    # 2. each student fetches, answers, validates and submits
    students = {}
    validation = {alice_name: "Success! Your notebook passes all the tests.",
                  carol_name: "a.grad, b.grad or c.grad is None"}  # her mistake, as a visible check names it
    for name, says in validation.items():
        student = students[name] = User(browser, hub, name)
        student.log_in()
        fetch_validate_submit(student, says)
        timings[f"{name} submitted"] = time.monotonic() - started
    inbound = list((exchange / COURSE_ID / "inbound").iterdir())
    assert sorted(p.name.split("+")[0] for p in inbound) == sorted(students), inbound

    # 3. the instructor collects, autogrades, grades the written answers, releases feedback
    formgrader(instructor, "manage_assignments")
    click_and_succeed(page, assignment_row(page).locator("td.collect a"))
    wait_for_text(assignment_row(page).locator("td.num-submissions"), r"^2$")
    formgrader(instructor, f"manage_submissions/{ASSIGNMENT}")
    for name in students:
        text = click_and_succeed(page, student_row(page, name).locator("td.autograde a"))
        assert f"Successfully autograded '{ASSIGNMENT}' for student '{name}'" in text, text
    for name, (auto, _) in scores.items():
        wait_for_text(student_row(page, name).locator("td.score"), rf"^{auto:g} / {TOTAL:g}$")
    shoot(page, "formgrader-autograded")
    # the kit's sandbox graded them, started by the instructor's server (a process the hub spawned, not
    # root): what it could not have there it says in the server's log, which goes to the hub's; all it
    # may lack is a cgroup of its own per notebook, and with it the kernel's CPU share (docs/jupyterhub.md)
    gaps = re.findall(r"KIT SANDBOX WARNING: (.*)", (STATE / "jupyterhub.log").read_text())
    assert all(gap.startswith(("notebooks get no cgroup of their own", "notebooks get no CPU share from the kernel"))
               for gap in gaps), gaps
    timings["autograded"] = time.monotonic() - started

    for name, (auto, final) in scores.items():  # the written answer: what the final score adds
        formgrader(instructor, submission_page(course, ASSIGNMENT, name))
        grade_by_hand(page, course, ASSIGNMENT, name, WRITTEN, final - auto)
        if name == carol_name:
            shoot(page, "formgrader-written-answer")
    formgrader(instructor, f"manage_submissions/{ASSIGNMENT}")
    for name, (_, final) in scores.items():
        wait_for_text(student_row(page, name).locator("td.score"), rf"^{final:g} / {TOTAL:g}$")
    formgrader(instructor, "manage_assignments")
    click_and_succeed(page, assignment_row(page).locator("td.generate-feedback a"))
    click_and_succeed(page, assignment_row(page).locator("td.release-feedback a"))
    shoot(page, "formgrader-feedback-released")
    timings["feedback released"] = time.monotonic() - started

    # 4. each student fetches the feedback: the score, and carol's mistake named
    for name, student in students.items():
        text = fetch_feedback(student)
        final = scores[name][1]
        assert re.search(rf"{ASSIGNMENT} \(Score: {final:.1f} / {TOTAL:.1f}\)", text), text[:1500]
        assert (MISTAKE in text) == (name == carol_name), f"{name}'s feedback: {text[:3000]}"
    timings["feedback fetched"] = time.monotonic() - started

    # 5. what carol cannot read from her own server, through the hub
    carol = students[carol_name]
    submission = next(p for p in inbound if p.name.startswith(f"{alice_name}+"))
    paths = {
        "the exchange's inbound folder (its listing)": str(exchange / COURSE_ID / "inbound"),
        "the exchange's feedback folder (its listing)": str(exchange / COURSE_ID / "feedback"),
        "alice's home": f"/home/{alice_name}",
        "alice's notebook in her home": f"/home/{alice_name}/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
        "alice's submission collected": str(course / "submitted" / alice_name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        "alice's submission autograded": str(course / "autograded" / alice_name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        "alice's feedback in the course": str(course / "feedback" / alice_name / ASSIGNMENT / f"{ASSIGNMENT}.html"),
        "the hidden tests": str(course / "hidden_tests" / f"test_{ASSIGNMENT}.py"),
        "the solutions": str(course / "solutions" / f"{ASSIGNMENT}.py"),
        "the source notebook": str(course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
        "the gradebook": str(course / "gradebook.db"),
    }
    for path in paths.values():
        assert Path(path).exists(), f"{path} should exist for the probe to mean something"
    seen = probe_from_server(carol, paths)
    assert seen == {**{what: "denied" for what in paths}, "lesson files in the server environment": []}, seen
    # nbgrader's exchange keeps a submission world-readable under a name with 72 random bits
    # (student+assignment+time+random); a student who cannot list inbound cannot find it.
    assert re.fullmatch(rf"{alice_name}\+{ASSIGNMENT}\+[^+]+\+[A-Za-z0-9_-]{{12}}", submission.name), submission.name
    # alice's server and the instructor's (formgrader, the course), through the hub, with carol's cookies: refused
    for url in (f"{hub['url']}/user/{alice_name}/api/contents/{ASSIGNMENT}",
                f"{hub['url']}/user/{instructor_name}/api/contents/course/hidden_tests",
                f"{hub['url']}/user/{instructor_name}/formgrader/manage_assignments"):
        response = carol.context.request.get(url)
        assert response.status == 403 and '"content"' not in response.text(), (url, response.status, response.text()[:500])
    # formgrader is the instructor's: a student's own server does not serve it
    response = carol.context.request.get(f"{carol.server}/formgrader/manage_assignments")
    assert response.status == 404, (response.status, response.text()[:300])
    timings["isolation checked"] = time.monotonic() - started

    # 6. carol hands in again, by hand: a folder in the exchange's inbound made from her own server, its
    # notebook a link to the source notebook (nbgrader's collect copied it as the instructor: 17/17),
    # answers.html a link to it (nbgrader's release_feedback published it under a name her secret gives).
    # The instructor collects, autogrades and releases feedback in formgrader as before: carol's notebook
    # is graded as the release notebook, 0 (her earlier grade does not stay), and nothing but the pages
    # of the assignment's notebooks is released.
    source = course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    secret = "5ec7e7" * 20
    handed = run_in_server(carol, "handin", HAND_MADE % json.dumps(
        [str(exchange / COURSE_ID / "inbound"), carol_name, ASSIGNMENT, str(source), str(course / "gradebook.db"),
         secret]), "HANDED")
    assert json.loads(handed) == sorted(["answers.html", f"{ASSIGNMENT}.ipynb", "gradebook.html",
                                         "submission_secret.txt", "timestamp.txt"]), handed
    formgrader(instructor, "manage_assignments")
    click_and_succeed(page, assignment_row(page).locator("td.collect a"))
    submitted = course / "submitted" / carol_name / ASSIGNMENT
    assert sorted(p.name for p in submitted.iterdir()) == sorted([f"{ASSIGNMENT}.ipynb", "submission_secret.txt",
                                                                  "timestamp.txt"])
    assert not any(p.is_symlink() for p in submitted.iterdir())
    assert (submitted / f"{ASSIGNMENT}.ipynb").read_bytes() != source.read_bytes()
    formgrader(instructor, f"manage_submissions/{ASSIGNMENT}")
    text = click_and_succeed(page, student_row(page, carol_name).locator("td.autograde a"))
    assert f"Successfully autograded '{ASSIGNMENT}' for student '{carol_name}'" in text, text
    autograded = gradebook_scores(course, ASSIGNMENT)
    assert sum(autograded[carol_name].values()) == 0 and sum(autograded[alice_name].values()) == scores[alice_name][0]
    formgrader(instructor, "manage_assignments")
    click_and_succeed(page, assignment_row(page).locator("td.generate-feedback a"))
    click_and_succeed(page, assignment_row(page).locator("td.release-feedback a"))
    released = {p.name: p.read_bytes() for p in (exchange / COURSE_ID / "feedback").iterdir()}
    page_of = {name: hashlib.md5((secret + name).encode()).hexdigest() + ".html"  # as fetch_feedback names them
               for name in (ASSIGNMENT, "answers", "gradebook")}
    assert page_of[ASSIGNMENT] in released and len(released) == 3, sorted(released)  # alice's; carol's two
    assert b"was not collected" in released[page_of[ASSIGNMENT]]
    assert not any(page == source.read_bytes() or b"BEGIN SOLUTION" in page or b"SQLite" in page
                   for page in released.values())
    timings["hand-made submission refused"] = time.monotonic() - started
    print("\njupyterhub course timings (s since the start): "
          + ", ".join(f"{what} {seconds:.0f}" for what, seconds in timings.items()))
    for user in (instructor, *students.values()):
        user.close()


def test_the_page_shows_the_set_up_as_tested():
    """docs/jupyterhub.md names each file of docs/jupyterhub/, the proxy's version and the paths that
    .ci/jupyterhub.sh and the configuration use."""
    page = (ROOT / "docs" / "jupyterhub.md").read_text()
    script = (ROOT / ".ci" / "jupyterhub.sh").read_text()
    for config in sorted((ROOT / "docs" / "jupyterhub").glob("*.py")):
        assert f"](jupyterhub/{config.name})" in page, f"docs/jupyterhub.md does not link {config.name}"
    version = re.search(r"^CHP_VERSION=(\S+)", script, re.MULTILINE).group(1)
    assert f"configurable-http-proxy@{version}" in page
    exchange = re.search(r'c.Exchange.root = "([^"]+)"', (ROOT / "docs/jupyterhub/nbgrader_config.py").read_text()).group(1)
    assert f"EXCHANGE={exchange} " in script and exchange in page
    course = re.search(r'c.CourseDirectory.root = "([^"]+)"',
                       (ROOT / "docs/jupyterhub/instructor_nbgrader_config.py").read_text()).group(1)
    assert course in page and course == "/home/instructor/course" and "INSTRUCTOR=instructor" in script
    hub_env = re.search(r"^HUB_ENV=(\S+)", script, re.MULTILINE).group(1)
    config = re.search(r"^CONFIG=(\S+)", script, re.MULTILINE).group(1)
    assert f"{hub_env}/bin/jupyterhub -f {config}/jupyterhub_config.py" in page
    assert f"cd /srv/jupyterhub && {hub_env}/bin/jupyterhub -f {config}/jupyterhub_config.py" in \
        (ROOT / "docs/jupyterhub/jupyterhub_config.py").read_text()
    assert f"/{hub_env.strip('/')}/bin/pip install --no-deps ." in page
    # the scores the page states are those the course test expects
    scores = expected_scores()
    for name, (auto, final) in scores.items():
        assert f"{name} {auto:g} / {TOTAL:g}" in page and f"{name} {final:g} / {TOTAL:g}" in page, name
    for image in re.findall(r"\]\((images/[^)]+)\)", page):
        assert (ROOT / "docs" / image).is_file(), f"docs/jupyterhub.md shows {image}, which is missing"
