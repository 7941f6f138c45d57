"""The adversarial corpus (tests/attacks/<set>/<attack>.py) graded through `nbgrader autograde`.

Every attack is a student named by it, with honest students after it (25 after an attack that
leaves a daemon, so that a reused uid or a surviving process would show). The attackers first
submit the reference solution and are graded; then the attacks are submitted and regraded under
tighter limits (corpus.ATTACK_LIMITS), with the honest students, who have no earlier grade to keep. Each attack must earn exactly what its case file says, with the
message it names; no grade survives from the first run; the honest students keep full marks;
nbgrader goes through the whole class and exits 0.

The corpus runs twice, both at once: with the grader as root, and as an unprivileged user (the
usual instructor laptop or JupyterHub pod), each under a memory cap (a cgroup) where the machine
allows one, so that a blow-up in the grader fails the test instead of the machine.
"""
from __future__ import annotations

import concurrent.futures
import contextlib
import os
import pwd
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.authoring import corpus
from conftest import ROOT
from helpers import FULL_POINTS

pytestmark = pytest.mark.slow  # nbgrader runs or many notebooks: not in ./kit test --fast

ATTACKS = {e.student: e for e in corpus.attack_entries(ROOT)}
# What the whole grading run may use: the grader (1 GiB), a student's process at the attack
# limit and the zygote. A decoder that copies a forged blob once per marker needs tens of GiB.
RUN_MEMORY_BYTES = (1024 + corpus.ATTACK_LIMITS["memory_mb"] + corpus.ATTACK_LIMITS["disk_mb"] + 512) << 20
GRADER_PROCESS_MIB = 1024
UNPRIVILEGED = os.environ.get("KIT_TEST_GRADER_USER", "kit-grader")


def _memory_hierarchies() -> list[tuple[str, str]]:
    """(folder, limit file) of the cgroup hierarchies with a memory controller here: v2 first, then v1."""
    found = []
    try:
        with open("/sys/fs/cgroup/cgroup.subtree_control") as f:
            if "memory" in f.read().split():
                found.append(("/sys/fs/cgroup", "memory.max"))
    except OSError:
        pass
    if os.path.exists("/sys/fs/cgroup/memory/memory.limit_in_bytes"):
        found.append(("/sys/fs/cgroup/memory", "memory.limit_in_bytes"))
    return found


def _cgroup(name: str, limit: int) -> str | None:
    """A memory-capped cgroup (v2, else v1) to run the grader in: its cgroup.procs, or None."""
    for base, knob in _memory_hierarchies():
        path = f"{base}/{name}"
        try:
            os.makedirs(path, exist_ok=True)
            with open(f"{path}/{knob}", "w") as f:
                f.write(str(limit))
            return f"{path}/cgroup.procs"
        except OSError:
            continue
    return None


def _prefix(mode: str, tmp) -> tuple[tuple[str, ...], dict, str | None]:
    """The command that runs nbgrader in `mode` (in a memory cap, as the unprivileged user), its
    environment, and the cgroup folder to remove afterwards."""
    procs = _cgroup(f"kit-attacks-{mode}-{os.getpid()}", RUN_MEMORY_BYTES)
    prefix: tuple[str, ...] = ()
    if procs:
        prefix = ("sh", "-c", f'echo $$ > {procs} && exec "$@"', "sh")
    env = {}
    if mode == "unprivileged":
        user = pwd.getpwnam(UNPRIVILEGED)
        prefix = (*prefix, "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups")
        env = {"HOME": str(tmp), "USER": UNPRIVILEGED}
    return prefix, env, procs and os.path.dirname(procs)


def _can_grade_unprivileged() -> bool:
    try:
        pwd.getpwnam(UNPRIVILEGED)
    except KeyError:
        return False
    return os.geteuid() == 0


OWN_MODE = "root" if os.geteuid() == 0 else "own-user"  # the grader as whoever runs the tests
MODES = [OWN_MODE, pytest.param("unprivileged", marks=pytest.mark.skipif(
    not _can_grade_unprivileged(),
    reason=f"needs a root test run and a user {UNPRIVILEGED!r} (.ci/run creates it) to grade as"))]


@contextlib.contextmanager
def _mode_course(mode: str, tmp_path_factory):
    """A course copy to grade the corpus in as `mode`, and grade_attacks' arguments for it."""
    # pytest's own temporary folders are private to root: the unprivileged grader gets one in /tmp
    top = tmp_path_factory.mktemp(mode) if mode != "unprivileged" else Path(tempfile.mkdtemp(prefix="kit-attacks-"))
    course, home = corpus.copy_course(top / "course"), top / "home"
    home.mkdir()
    prefix, env, cgroup = _prefix(mode, home)
    user = pwd.getpwnam(UNPRIVILEGED) if mode == "unprivileged" else None
    if mode == "unprivileged":  # the instructor's own folder
        for path in [top, *top.rglob("*")]:
            os.chown(path, user.pw_uid, user.pw_gid, follow_symlinks=False)
    try:
        yield course, prefix, env, (user.pw_uid, user.pw_gid) if user else None
    finally:
        if cgroup:  # empty once nbgrader has ended
            os.rmdir(cgroup)
        if mode == "unprivileged":
            shutil.rmtree(top, ignore_errors=True)


def _grade(course: Path, prefix: tuple[str, ...], env: dict, owner: tuple[int, int] | None):
    return course, corpus.grade_attacks(course, ROOT, prefix, env, owner)


@pytest.fixture(scope="module")
def runs(request, tmp_path_factory) -> dict[str, concurrent.futures.Future]:
    """The corpus graded in every mode that has tests to run, the modes at the same time: each mode is
    one nbgrader run at a time, which keeps about one core busy (the grader and a student's process
    take turns, and the attacks that run into a wall-clock limit mostly wait), so two modes take
    little longer than one. Each mode has its own course, memory cap and uids (a uid range per grader
    process, or the user's subordinate uids), so neither sees the other."""
    selected = {item.callspec.params["graded"] for item in request.session.items
                if item.module is request.module and "graded" in getattr(getattr(item, "callspec", None), "params", {})}
    modes = [mode for mode in (OWN_MODE, "unprivileged") if mode in selected
             and (mode != "unprivileged" or _can_grade_unprivileged())]
    with contextlib.ExitStack() as cleanup, concurrent.futures.ThreadPoolExecutor(max(1, len(modes))) as lanes:
        courses = {mode: cleanup.enter_context(_mode_course(mode, tmp_path_factory)) for mode in modes}
        graded = {mode: lanes.submit(_grade, *course) for mode, course in courses.items()}
        concurrent.futures.wait(graded.values())
        yield graded


@pytest.fixture(scope="module", params=MODES)
def graded(request, runs):
    """(course, corpus.AttackRun) of one mode; an error of its grading fails only its own tests."""
    return runs[request.param].result()


@pytest.fixture(scope="module")
def recorded(graded) -> dict[str, dict[str, dict[str, float]]]:
    """{set: {student: {grade_id: score}}} of one mode's gradebook, read once for all its tests."""
    course, run = graded
    return {assignment: corpus.gradebook_scores(course, assignment) for assignment in {e.assignment for e in run.entries}}


@pytest.mark.parametrize("attack", ATTACKS)
def test_each_attack_earns_what_it_should(recorded, attack):
    entry = ATTACKS[attack]
    assert recorded[entry.assignment].get(entry.student) == pytest.approx(
        corpus.expected_scores(entry, ROOT, FULL_POINTS[entry.assignment]), abs=0.011), \
        entry.case.description


@pytest.mark.parametrize("attack", [a for a, e in ATTACKS.items() if e.case.says])
def test_each_attack_gets_its_message(graded, attack):
    course, _ = graded
    entry = ATTACKS[attack]
    for grade_id, text in entry.case.says:
        assert text in corpus.cell_feedback(course, attack, entry.assignment, grade_id), f"{grade_id}: {text!r}"


@pytest.mark.parametrize("attack", [a for a, e in ATTACKS.items() if e.case.never_says])
def test_no_attack_sees_what_it_must_not(graded, attack):
    """What the grader sends a student's process (tests/attacks/building_blocks/records-what-the-grader-defines.py
    prints it) holds no reference solution."""
    course, _ = graded
    entry = ATTACKS[attack]
    for grade_id, text in entry.case.never_says:
        assert text not in corpus.cell_feedback(course, attack, entry.assignment, grade_id), f"{grade_id}: {text!r}"


def test_the_honest_students_after_each_attack_keep_full_marks(graded, recorded):
    _, run = graded
    honest = [e for e in run.entries if "_then-honest" in e.student]
    assert len(honest) >= len(ATTACKS) + 24
    for entry in honest:
        assert recorded[entry.assignment].get(entry.student) == FULL_POINTS[entry.assignment], entry.student


def test_nbgrader_graded_every_student_without_an_error_and_exited_0(graded):
    course, run = graded
    assert "There was an error processing" not in run.log
    assert run.statuses == [0] * len(run.statuses), run.log[-3000:]
    for entry in run.entries:
        assert (course / "autograded" / entry.student / entry.assignment / f"{entry.assignment}.ipynb").exists()


def test_no_grader_process_passes_its_memory_bound(graded):
    """Whatever a reply holds, nbgrader's process and the zygote each stay under 1 GiB (the run
    as a whole is also capped, so that a blow-up fails here rather than taking the machine)."""
    _, run = graded
    assert set(run.peak_mib) == {"grader", "zygote"}, run.peak_mib
    assert all(peak <= GRADER_PROCESS_MIB for peak in run.peak_mib.values()), run.peak_mib


def test_floods_of_output_stay_out_of_the_graded_notebook(graded):
    course, _ = graded
    for attack in ("output-flood", "output-in-every-reply", "malformed-outputs"):
        notebook = course / "autograded" / attack / "tensors" / "tensors.ipynb"
        assert notebook.stat().st_size < 3 * 2**20, attack


def test_fake_result_files_land_nowhere_but_in_the_sandbox(graded):
    course, _ = graded
    planted = [p for p in course.rglob("*") if p.name in ("results.json", "grades.csv")
               or (p.name == "gradebook.db" and p.parent != course)]
    assert planted == []


def test_a_students_control_characters_reach_no_terminal_log_or_feedback_raw(graded):
    """tests/attacks/tensors/terminal-control-sequences.py raises with OSC 0 and 52, a carriage
    return and erase-line: the feedback holds them escaped, nbgrader's log holds none raw."""
    course, run = graded
    said = corpus.cell_feedback(course, "terminal-control-sequences", "tensors", "zeros-check")
    assert "\\\\x1b]52" in said and "\\u001b" not in said and "\\u0007" not in said
    assert not any(c in run.log for c in "\x1b\x07\r"), [line for line in run.log.splitlines() if "\x1b" in line][:3]
