"""A notebook's CPU share: a CPU hog graded by one worker does not starve an honest student
graded at the same time by another (`grade-class --workers 2`, Slurm shards on one node).

Each side is a grading process of its own with its own sandbox, as two workers are. The hog
forks busy processes, each in a session of its own (one scheduling group each where the kernel
groups by session), then sleeps to keep them alive; the honest notebook then runs a cell that
needs well under a second of CPU, under a cell limit that it passes only with a CPU of its own
(on two cores, without a share, the hog leaves it about 2/(HOG_PROCESSES + 2) of the machine).
The test runs as whoever runs the tests, and as an unprivileged grader where it can: on a machine
with the cpu controller (CI's, as root) the first holds by the kernel's quota, the second by the
zygote's own (inside/cpu_share.py), as the grader's warning says.
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import pytest

from autograder import sandbox
from conftest import ROOT

from autograder.sandbox.inside import cgroups

HOG_PROCESSES = 120
GRADER_USER = os.environ.get("KIT_TEST_GRADER_USER", "kit-grader")
HONEST_CELL_SECONDS = 10  # the honest cell needs about 0.5 s of one CPU (30 s beside the hog without a share)

HOG_CELL = f"""
import os
start, go = os.pipe()
for _ in range({HOG_PROCESSES}):
    if os.fork() == 0:
        os.setsid()
        os.dup2(start, 0)
        os.close(go)
        # a small process (memory is the RSS of them all where there is no cgroup), which waits
        # until all are forked: under a CPU share the forking would compete with them
        os.execv("/bin/sh", ["sh", "-c", "read x; while :; do :; done"])
os.close(go)
"""
HONEST_CELL = """
total = 0
for i in range(4_000_000):
    total += i % 7
print(total)
"""

# One grading process: its student process starts (imports paid), says "started", waits for a
# line on stdin, then runs its cells and prints what happened as JSON.
GRADER = """
import json, sys, time
from autograder.grading.student_process import StudentProcess, StudentProcessGone
from autograder.sandbox import Limits
role, folder = sys.argv[1], sys.argv[2]
if role == "hog":
    limits = Limits(cell_seconds=120, notebook_seconds=300, cpu_seconds=300, processes=256)
    cells = [HOG_CELL, "import time\\ntime.sleep(110)"]
else:
    limits = Limits(cell_seconds=CELL_SECONDS, notebook_seconds=60)
    cells = [HONEST_CELL]
worker = StudentProcess(folder, limits)
try:
    worker.run_cell("x = 1", "cell 0")
    print("started", flush=True)
    sys.stdin.readline()
    for n, code in enumerate(cells, 1):
        start = time.monotonic()
        try:
            reply = worker.run_cell(code, f"cell {n}")
            result = {"error": reply["error"], "seconds": time.monotonic() - start}
        except StudentProcessGone as exc:
            result = {"error": str(exc), "seconds": time.monotonic() - start}
        print(json.dumps(result), flush=True)
finally:
    worker.close()
""".replace("HOG_CELL", repr(HOG_CELL)).replace("HONEST_CELL", repr(HONEST_CELL)).replace(
    "CELL_SECONDS", str(HONEST_CELL_SECONDS))


def _modes():
    modes = ["as-is"]
    try:
        pwd.getpwnam(GRADER_USER)
        has_user = True
    except KeyError:
        has_user = False
    modes.append(pytest.param("unprivileged", marks=pytest.mark.skipif(
        os.geteuid() != 0 or not has_user or not shutil.which("setpriv"),
        reason=f"needs a root test run and a user {GRADER_USER!r} (.ci/run creates it) to grade as")))
    return modes


def _start(role: str, mode: str, folder: str) -> subprocess.Popen:
    prefix, env = [], dict(os.environ)
    if mode == "unprivileged":
        user = pwd.getpwnam(GRADER_USER)
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        env["HOME"] = folder
    return subprocess.Popen([*prefix, sys.executable, "-c", GRADER, role, folder], cwd=ROOT, env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _line(process: subprocess.Popen, timeout: float) -> str:
    """The process's next line of stdout; its stderr in the failure if it ends first or takes too long."""
    import selectors
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            process.kill()
            pytest.fail(f"no answer within {timeout} s: {process.stderr.read()[-3000:]}")
    line = process.stdout.readline()
    if not line:
        pytest.fail(f"the grading process ended: {process.stderr.read()[-3000:]}")
    return line


@pytest.mark.slow
@pytest.mark.skipif(not sandbox.protections().bubblewrap, reason="bubblewrap is not usable on this machine")
@pytest.mark.parametrize("mode", _modes())
def test_an_honest_student_graded_beside_a_cpu_hog_keeps_its_time(mode):
    folders = [tempfile.mkdtemp(prefix="kit-cpu-share-") for _ in range(2)]
    if mode == "unprivileged":
        user = pwd.getpwnam(GRADER_USER)
        for folder in folders:
            os.chown(folder, user.pw_uid, user.pw_gid)
    hog = honest = None
    try:
        hog, honest = _start("hog", mode, folders[0]), _start("honest", mode, folders[1])
        assert _line(hog, 120) == "started\n"
        assert _line(honest, 120) == "started\n"
        hog.stdin.write("go\n")
        hog.stdin.flush()
        forked = json.loads(_line(hog, 60))
        assert forked["error"] is None, forked
        time.sleep(1)  # the busy processes are all running
        honest.stdin.write("go\n")
        honest.stdin.flush()
        result = json.loads(_line(honest, HONEST_CELL_SECONDS + 30))
        _, said = honest.communicate(timeout=60)  # its warnings say which share held (kernel or sandbox)
        assert result["error"] is None, (result, said[-3000:])
    finally:
        for process in (hog, honest):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)  # the grader's `finally` ends its notebook
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        for folder in folders:
            shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("version", ["v2", "v1"])
def test_the_share_is_a_quota_of_cpus_and_the_same_weight_for_every_notebook(tmp_path, version):
    """The files the kernel reads, in a folder that stands for the run's cgroup (the machine's own
    hierarchy is v1 or v2, not both)."""
    run = {"unified": str(tmp_path)} if version == "v2" else {"memory": str(tmp_path / "m"), "cpu": str(tmp_path)}
    notebook = cgroups.NotebookCgroup(run, "notebook-0")
    os.makedirs(tmp_path / "notebook-0")
    if version == "v2":  # cpu.max is there only where the run's folder enabled the cpu controller
        assert not notebook.has_cpu()
        (tmp_path / "notebook-0" / "cpu.max").write_text("max 100000")
    assert notebook.has_cpu()
    notebook.share_cpu(1.5)
    written = {f.name: f.read_text() for f in (tmp_path / "notebook-0").iterdir()}
    if version == "v2":
        assert written == {"cpu.max": "150000 100000", "cpu.weight": "100"}
    else:
        assert written == {"cpu.cfs_period_us": "100000", "cpu.cfs_quota_us": "150000", "cpu.shares": "1024"}


@pytest.mark.slow
def test_without_the_cpu_controller_the_zygote_holds_busy_processes_to_their_share():
    """inside/cpu_share.py as the zygote's watch runs it, on processes of this test's own."""
    from autograder.sandbox.inside import cpu_share
    busy = [subprocess.Popen(["sh", "-c", "while :; do :; done"], start_new_session=True) for _ in range(4)]
    pids = [p.pid for p in busy]
    try:
        share = cpu_share.CpuShare(0.5)
        share.watch(pids, pids)
        start, used = time.monotonic(), sum(cpu_share.cpu_seconds(pid) for pid in pids)
        while time.monotonic() - start < 3:
            time.sleep(0.1)
            share.watch(pids, pids)
        rate = (sum(cpu_share.cpu_seconds(pid) for pid in pids) - used) / (time.monotonic() - start)
    finally:
        for p in busy:
            p.kill()
            p.wait()
    assert 0.05 < rate < 0.65, rate  # stopped while over, continued after (others share the machine)
