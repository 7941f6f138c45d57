"""Handing out and collecting through nbgrader's exchange, end to end on one machine.

Two students share a temporary exchange directory with the instructor. nbgrader takes a student's
id from the OS user name (JUPYTERHUB_USER for a hub's `jovyan`); on one machine the two identities
are given with nbgrader's explicit `--CourseDirectory.student_id`, and collect's owner check (a
hub's: each student a user of the machine) is off. Each student works in a home of their own,
without the course's nbgrader_config.py, as on a hub.

Then what a student can do by hand in the exchange's inbound folder (mode 733: any user may make a
folder there), against the kit's collect and release_feedback (autograder/nbgrader/exchange/):
a notebook that links to the source notebook, links beside it, a timestamp that is not a time,
a submission secret of their own, another student's id, an id with a script, a folder that is a
link. The owner check runs with throwaway users of the machine (as root; skipped otherwise).
"""
from __future__ import annotations

import hashlib
import os
import pwd
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
from nbgrader.utils import parse_utc
import pytest

from autograder.authoring.corpus import full_points, gradebook_scores, nbgrader
from course_steps import TWO_MISTAKES, notebook_with, released_copy

COURSE_ID = "deep-learning-fundamentals"
pytestmark = pytest.mark.slow


def as_student(home: Path, student: str, exchange: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOME=str(home), JUPYTER_CONFIG_DIR=str(home / ".jupyter"),
               JUPYTER_DATA_DIR=str(home / ".local" / "share" / "jupyter"))
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args, f"--Exchange.root={exchange}",
                             f"--CourseDirectory.course_id={COURSE_ID}", f"--CourseDirectory.student_id={student}"],
                            cwd=home, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{student}: nbgrader {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result


def test_release_fetch_submit_collect_grade_and_feedback(tmp_path):
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # nbgrader's exchange must be writable by every student
    course = released_copy(tmp_path / "course", "tensors")
    instructor = lambda *args: nbgrader(course, *args, f"--Exchange.root={exchange}")  # noqa: E731
    instructor("release_assignment", "tensors")

    work = {"alice": notebook_with("tensors", {}), "bob": notebook_with("tensors", TWO_MISTAKES, base="release")}
    homes = {student: tmp_path / "home" / student for student in work}
    for student, home in homes.items():
        home.mkdir(parents=True)
        as_student(home, student, exchange, "fetch_assignment", "tensors")
        fetched = home / "tensors" / "tensors.ipynb"
        assert fetched.read_text() == (course / "release" / "tensors" / "tensors.ipynb").read_text()
        answers = {c.metadata.get("nbgrader", {}).get("grade_id"): c.source for c in work[student].cells}
        nb = nbformat.read(fetched, as_version=4)
        for cell in nb.cells:
            cell.source = answers.get(cell.metadata.get("nbgrader", {}).get("grade_id"), cell.source)
        nbformat.write(nb, fetched)
        as_student(home, student, exchange, "submit", "tensors")

    collected = instructor("collect", "tensors", "--ExchangeCollect.check_owner=False")
    for student in work:
        submitted = course / "submitted" / student / "tensors"
        assert (submitted / "timestamp.txt").exists(), f"{student}'s submission was not collected:\n{collected.stderr}"
    assert "torch.ones" in (course / "submitted" / "bob" / "tensors" / "tensors.ipynb").read_text()

    instructor("autograde", "tensors", "--force")
    instructor("generate_feedback", "tensors", "--force")
    instructor("release_feedback", "tensors")
    totals = {student: sum(scores.values()) for student, scores in gradebook_scores(course, "tensors").items()}
    full = sum(full_points("tensors").values())
    assert totals["alice"] == pytest.approx(full) and 0 < totals["bob"] < full, totals

    for student, home in homes.items():
        as_student(home, student, exchange, "fetch_feedback", "tensors")
        pages = list((home / "tensors" / "feedback").glob("*/tensors.html"))
        assert len(pages) == 1, f"{student} fetched {pages}"
        shown = re.search(rf"tensors \(Score: ([\d.]+) / {full:.1f}\)", pages[0].read_text())
        assert shown and float(shown.group(1)) == pytest.approx(totals[student]), f"{student}'s feedback shows {shown}"


# -- what a student can do by hand in the exchange -------------------------------------------------

def nbgrader_time(when: datetime | None = None) -> str:
    """A time as nbgrader's submit writes it, in the folder's name and in timestamp.txt."""
    return (when or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def hand_made(inbound: Path, name: str, files: dict[str, str | Path], owner: str | None = None) -> Path:
    """A submission folder made by hand in `inbound`: text files, or links where the value is a Path."""
    folder = inbound / name
    folder.mkdir()
    for file, content in files.items():
        if isinstance(content, Path):
            (folder / file).symlink_to(content)
        else:
            (folder / file).write_text(content)
    if owner:
        for path in [folder, *folder.iterdir()]:
            os.chown(path, pwd.getpwnam(owner).pw_uid, pwd.getpwnam(owner).pw_gid, follow_symlinks=False)
    return folder


def released_exchange(tmp_path: Path):
    """An exchange open to every user, a course copy with tensors released into it, and the
    instructor's nbgrader command on both."""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)
    course = released_copy(tmp_path / "course", "tensors")

    def instructor(*args: str):
        return nbgrader(course, *args, f"--Exchange.root={exchange}")

    instructor("release_assignment", "tensors")
    return exchange, course, instructor


def published(exchange: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (exchange / COURSE_ID / "feedback").iterdir()}


def test_a_hand_made_submission_of_links_scores_0_and_gets_only_its_feedback_page(tmp_path):
    """carol makes her inbound folder by hand: the notebook a link to the source notebook (nbgrader's
    collect copies the target, 17/17), an answers.html linking to it and to the gradebook (nbgrader's
    release_feedback publishes every .html under a name she computes from her own submission secret),
    data.csv a link to /dev/zero, a timestamp that is not a time. alice hands in honestly after her."""
    exchange, course, instructor = released_exchange(tmp_path)
    source = course / "source" / "tensors" / "tensors.ipynb"
    secret = "c0ffee" * 20
    inbound = exchange / COURSE_ID / "inbound"
    hand_made(inbound, f"carol+tensors+{nbgrader_time()}+handmade", {
        "tensors.ipynb": source, "answers.html": source, "gradebook.html": course / "gradebook.db",
        "data.csv": Path("/dev/zero"), "timestamp.txt": "not a time", "submission_secret.txt": secret,
        "copy-of-source.ipynb": source.read_text(),
    })
    alice = tmp_path / "home" / "alice"
    alice.mkdir(parents=True)
    as_student(alice, "alice", exchange, "fetch_assignment", "tensors")
    nbformat.write(notebook_with("tensors", {}), alice / "tensors" / "tensors.ipynb")
    as_student(alice, "alice", exchange, "submit", "tensors")

    log = instructor("collect", "tensors", "--ExchangeCollect.check_owner=False").stderr
    submitted = course / "submitted" / "carol" / "tensors"
    assert sorted(p.name for p in submitted.iterdir()) == ["submission_secret.txt", "tensors.ipynb", "timestamp.txt"], log
    assert all(p.is_file() and not p.is_symlink() for p in submitted.iterdir())
    assert (submitted / "tensors.ipynb").read_bytes() != source.read_bytes()
    for name in ("tensors.ipynb", "answers.html", "gradebook.html", "data.csv", "copy-of-source.ipynb"):
        assert re.search(rf"Not collected from carol's submission: {re.escape(name)}: ", log), (name, log)
    assert "timestamp.txt is not used" in log, log
    stamp = (submitted / "timestamp.txt").read_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+", stamp), stamp

    instructor("autograde", "tensors", "--force")
    totals = {student: sum(scores.values()) for student, scores in gradebook_scores(course, "tensors").items()}
    assert totals == {"alice": pytest.approx(sum(full_points("tensors").values())), "carol": 0}, totals
    instructor("generate_feedback", "tensors", "--force")
    # whatever reaches the feedback folder (nbgrader's collect, autograde and generate_feedback pass a
    # submission's extra files on), release_feedback publishes the notebooks' pages only
    carol_feedback = course / "feedback" / "carol" / "tensors"
    (carol_feedback / "answers.html").symlink_to(source)
    (carol_feedback / "extra.html").write_text("<p>a student's page</p>")
    log = instructor("release_feedback", "tensors").stderr
    pages = published(exchange)
    carol_page = hashlib.md5((secret + "tensors").encode()).hexdigest() + ".html"
    assert len(pages) == 2 and carol_page in pages, (sorted(pages), log)
    assert all(b"Score:" in page and page != source.read_bytes() for page in pages.values())
    assert re.search(r"Not released: answers.html of carol", log) and re.search(r"Not released: extra.html of carol", log), log
    assert b"tensors (Score: 0.0 / " in pages[carol_page] and b"tensors.ipynb was not collected: " in pages[carol_page]


def kit_user(name: str) -> str:
    subprocess.run(["useradd", "--no-create-home", "--comment", "kit test_exchange user", name], check=True)
    return name


@pytest.fixture
def two_users():
    """Two throwaway users of this machine (needs root), removed after the test."""
    if os.geteuid() != 0:
        pytest.skip("the owner check needs two users of the machine: run as root (CI does)")
    names = []
    try:
        for name in ("kitxalice", "kitxbob"):
            subprocess.run(["userdel", name], capture_output=True)
            names.append(kit_user(name))
        yield names
    finally:
        for name in names:
            subprocess.run(["userdel", name], capture_output=True)


def test_collect_refuses_another_students_id_unsafe_ids_bad_names_and_links(tmp_path, two_users):
    """On a hub (check_owner on, as nbgrader's default): kitxbob hands in as kitxalice (a folder named
    for her, his own), and under ids with a script; a folder whose name holds no time, and one
    that is a link. nbgrader's collect warns about the first, takes the rest and fails the whole run on
    the name; the kit's refuses each with a line in the log and collects kitxalice's own submission."""
    alice, bob = two_users
    exchange, course, instructor = released_exchange(tmp_path)
    inbound = exchange / COURSE_ID / "inbound"
    honest = nbformat.writes(notebook_with("tensors", {}))
    mistakes = nbformat.writes(notebook_with("tensors", TWO_MISTAKES, base="release"))
    earlier, later = nbgrader_time(datetime(2020, 1, 1, tzinfo=timezone.utc)), nbgrader_time()
    hand_made(inbound, f"{alice}+tensors+{earlier}+a1", {"tensors.ipynb": honest, "timestamp.txt": earlier}, alice)
    hand_made(inbound, f"{alice}+tensors+{later}+b1", {"tensors.ipynb": mistakes, "timestamp.txt": later}, bob)
    script = 'x";alert(1);"'
    hand_made(inbound, f"{script}+tensors+{later}+b2", {"tensors.ipynb": mistakes}, bob)
    hand_made(inbound, f"<img src=x onerror=alert(1)>+tensors+{later}+b3", {"tensors.ipynb": mistakes}, bob)
    hand_made(inbound, f"{bob}+tensors+yesterday+b4", {"tensors.ipynb": mistakes}, bob)
    (inbound / f"{bob}+tensors+{later}+b5").symlink_to(course / "source" / "tensors")
    os.chown(inbound / f"{bob}+tensors+{later}+b5", pwd.getpwnam(bob).pw_uid, 0, follow_symlinks=False)

    log = instructor("collect", "tensors").stderr
    assert sorted(p.name for p in (course / "submitted").iterdir()) == [alice], log
    assert (course / "submitted" / alice / "tensors" / "tensors.ipynb").read_text() == honest
    # her folder's claim (2020) is older than its files: the time they changed is recorded (the last test)
    recorded = parse_utc((course / "submitted" / alice / "tensors" / "timestamp.txt").read_text())
    assert recorded > datetime.now(timezone.utc).replace(tzinfo=None) - timedelta(minutes=5), recorded
    for why in (f"it is owned by {bob}, not by {alice}", "the student id 'x\";alert(1);\"' is not a safe id",
                "the student id '<img src=x onerror=alert(1)>' is not a safe id", "the time in its name ('yesterday') is not a time",
                "it is a link, which is not followed"):
        assert f": {why}" in log, (why, log)
    assert not (course / "submitted" / bob).exists() and not (course.parent / "tensors").exists()


def test_release_feedback_publishes_no_link_and_no_extra_page(tmp_path):
    """The feedback folder of a student, as nbgrader's own steps could leave it: the notebook's page
    a link to the source notebook, an extra page, no secret for another: none is published."""
    exchange, course, instructor = released_exchange(tmp_path)
    source = course / "source" / "tensors" / "tensors.ipynb"
    for student, page in (("dan", source), ("erin", None), ("fay", "<p>fay's page</p>")):
        folder = course / "feedback" / student / "tensors"
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text(nbgrader_time())
        (folder / "submission_secret.txt").write_text(student * 20)
        if isinstance(page, Path):
            (folder / "tensors.html").symlink_to(page)
        elif page:
            (folder / "tensors.html").write_text(page)
        (folder / "answers.html").write_text("<p>extra</p>")
    (course / "feedback" / "fay" / "tensors" / "submission_secret.txt").unlink()
    (course / "feedback" / "erin" / "tensors" / "tensors.html").write_text("<p>erin's page</p>")
    log = instructor("release_feedback", "tensors").stderr
    erin = hashlib.md5(("erin" * 20 + "tensors").encode()).hexdigest() + ".html"
    assert published(exchange) == {erin: b"<p>erin's page</p>"}, log
    assert "Not released: tensors.html of dan: it is a link" in log, log
    assert "Not released: tensors.html of fay: the submission has no submission_secret.txt" in log, log


def test_a_hand_made_submission_cannot_claim_a_time_before_its_files_changed(tmp_path):
    """A student who makes the inbound folder by hand writes any time into its name and timestamp.txt;
    collect records the time the files last changed (st_ctime, which no student sets) instead of a
    claim more than a minute older than it. An honest submit's claim stands (the first test)."""
    exchange, course, instructor = released_exchange(tmp_path)
    two_days_ago = nbgrader_time(datetime.now(timezone.utc) - timedelta(days=2))
    hand_made(exchange / COURSE_ID / "inbound", f"carol+tensors+{two_days_ago}+handmade", {
        "tensors.ipynb": nbformat.writes(notebook_with("tensors", {})), "timestamp.txt": two_days_ago})
    log = instructor("collect", "tensors", "--ExchangeCollect.check_owner=False").stderr
    recorded = parse_utc((course / "submitted" / "carol" / "tensors" / "timestamp.txt").read_text())
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert now - timedelta(minutes=5) < recorded <= now, (recorded, log)
    assert "but its files last changed at" in log, log
