"""The sandbox around student code: what a notebook's process can see, reach and use."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from autograder import sandbox
from autograder.authoring import corpus
from helpers import ROOT
from autograder.sandbox import Limits
from autograder.grading.student_process import Student, StudentProcess, StudentProcessGone
from autograder.grading.run import GradingRun

needs_bubblewrap = pytest.mark.skipif(not sandbox.protections().bubblewrap,
                                      reason="bubblewrap is not usable on this machine: no filesystem sandbox")
needs_root = pytest.mark.skipif(not sandbox.protections().own_uid,
                                reason="a uid per notebook needs bubblewrap and a grader running as root or with subordinate uids")
SMALL = Limits(cell_seconds=20, call_seconds=20, cpu_seconds=4, memory_mb=600, processes=64, file_size_mb=8,
               disk_mb=64)


@pytest.fixture()
def worker(tmp_path):
    (tmp_path / "data.csv").write_text("x,y\n1,2\n")
    worker = StudentProcess(tmp_path, SMALL)
    yield worker
    worker.close()


def run(worker, code):
    """Run a cell; its stdout, or the error it raised as 'ename: evalue'."""
    reply = worker.run_cell(code, "cell 1")
    if reply["error"]:
        return f"{reply['error']['ename']}: {reply['error']['evalue']}"
    return "".join(o.get("text", "") for o in reply["outputs"] if o["output_type"] == "stream")


@needs_bubblewrap
@pytest.mark.parametrize("path", ["solutions/tensors.py", "hidden_tests/test_tensors.py",
                                  "source/tensors/tensors.ipynb", "nbgrader_config.py"])
def test_course_files_are_out_of_sight(worker, path):
    assert run(worker, f"print(open({str(ROOT / path)!r}).read()[:20])").startswith(
        ("FileNotFoundError", "PermissionError"))


@needs_bubblewrap
def test_only_the_scratch_folder_is_writable(worker):
    assert run(worker, "open('own.txt', 'w').write('ok'); print(open('data.csv').read())") == "x,y\n1,2\n\n"
    for path in ["/usr/lib/planted.py", "/kit/wire.py", "/planted.py", str(ROOT / "planted.py")]:
        assert run(worker, f"open({path!r}, 'w')").startswith(
            ("PermissionError", "OSError", "FileNotFoundError")), path


@needs_bubblewrap
def test_no_network(worker):
    out = run(worker, "import socket\nsocket.create_connection(('1.1.1.1', 53), timeout=3)")
    assert out.startswith("OSError") or "unreachable" in out or "Errno" in out


@needs_root
def test_student_code_does_not_run_as_root(worker):
    assert run(worker, "import os\nprint(os.getuid(), os.geteuid())") != "0 0\n"
    assert int(run(worker, "import os\nprint(os.getuid())")) >= 100_000


def test_a_cpu_loop_that_ignores_sigxcpu_is_stopped(worker):
    with pytest.raises(StudentProcessGone, match="CPU time"):
        worker.run_cell("import signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\nwhile True:\n    pass",
                        "cell 1")


def test_memory_is_capped(worker):
    """Either the allocation fails in the cell or the process is stopped with a message."""
    try:
        out = run(worker, "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))")
    except StudentProcessGone as gone:
        out = str(gone)
    assert out.startswith("MemoryError") or "more than 600 MiB of memory" in out


def test_memory_over_the_cap_through_torch_fails_in_the_cell(worker):
    assert "can't allocate memory" in run(worker, "import torch\nt = torch.ones(2**30)")


def test_a_file_over_the_size_limit_fails_in_the_cell(worker):
    assert "File too large" in run(worker, "open('big.bin', 'wb').write(b'x' * (20 * 2**20))")


def test_a_fork_bomb_is_contained_and_the_next_notebook_runs(tmp_path):
    bomb = StudentProcess(tmp_path, SMALL)
    with pytest.raises(StudentProcessGone):
        bomb.run_cell("import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass", "cell 1")
    bomb.close()
    honest = StudentProcess(tmp_path, SMALL)
    assert run(honest, "print(6 * 7)") == "42\n"
    honest.close()


def test_a_thread_bomb_hits_the_process_limit(worker):
    with pytest.raises(StudentProcessGone, match="reached its limit of 64 processes or threads"):
        worker.run_cell("import threading, time\nwhile True:\n    try:\n"
                        "        threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
                        "    except RuntimeError:\n        pass", "cell 1")


def test_a_flood_of_output_is_truncated(worker):
    reply = worker.run_cell("for _ in range(200):\n    print('x' * 100_000)", "cell 1")
    assert sum(len(o.get("text", "")) for o in reply["outputs"]) <= 1_100_000
    assert reply["truncated"]


def test_killing_the_zygote_is_not_possible_and_grading_goes_on(tmp_path):
    attacker = StudentProcess(tmp_path, SMALL)
    run(attacker, "import os, signal\nfor pid in range(1, 200):\n    if pid == os.getpid():\n        continue\n    try:\n        os.kill(pid, signal.SIGKILL)\n"
                  "    except OSError:\n        pass")
    attacker.close()
    honest = StudentProcess(tmp_path, SMALL)
    honest.run_cell("def double(x):\n    return 2 * x", "cell 1")
    assert Student(honest).call("double", 21) == 42
    honest.close()


def _zygote_children() -> list[int]:
    """Live notebook processes of this test's zygote (pid 1's child in a namespace of their own,
    or else the zygote's direct children): between notebooks, only the one forked ahead of time."""
    processes = {}
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/stat") as f:
                state, parent = f.read().rsplit(")", 1)[1].split()[:2]
            with open(f"/proc/{name}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            with open(f"/proc/{name}/status") as f:
                nspid = next(line.split()[1:] for line in f if line.startswith("NSpid:"))
        except (OSError, StopIteration):
            continue
        is_worker = len(argv) > 1 and b"python" in os.path.basename(argv[0]) and argv[1].endswith(b"zygote.py")
        processes[int(name)] = (state, int(parent), is_worker, nspid)
    ours, todo = [], [GradingRun.instance().sandbox.process.pid]  # the zygote's bwrap (or the zygote) and all below
    while todo:
        pid = todo.pop()
        ours.append(pid)
        todo += [child for child, (_, parent, _, _) in processes.items() if parent == pid]
    workers = [pid for pid in ours if processes.get(pid, ("", 0, False))[2]]
    if sandbox.protections().bubblewrap:  # contained: the notebook's process is pid 2 of its own namespace
        return [pid for pid in workers if processes[pid][0] != "Z" and len(processes[pid][3]) >= 3
                and processes[pid][3][-1] == "2"]
    zygote = workers[0]
    return [pid for pid in workers if processes[pid][1] == zygote and processes[pid][0] != "Z"]


def test_a_forked_ahead_child_killed_from_outside_is_replaced(tmp_path):
    first = StudentProcess(tmp_path, SMALL)
    assert run(first, "print(1)") == "1\n"
    first.close()
    time.sleep(0.5)  # the ended notebook's process is reaped
    spares = _zygote_children()
    assert len(spares) == 1, spares
    os.kill(spares[0], signal.SIGKILL)
    time.sleep(0.2)
    second = StudentProcess(tmp_path, SMALL)
    assert run(second, "print(6 * 7)") == "42\n"
    second.close()


def test_without_bubblewrap_grading_goes_on_and_says_so_loudly(tmp_path):
    notebook = tmp_path / "tensors.ipynb"
    notebook.write_bytes((ROOT / "source" / "tensors" / "tensors.ipynb").read_bytes())
    result = subprocess.run([sys.executable, "-m", "autograder", "grade", str(notebook), "--json", str(tmp_path / "out.json")],
                            cwd=ROOT, env=dict(os.environ, KIT_NO_SANDBOX="1"), capture_output=True, text=True,
                            timeout=300)
    assert result.stderr.count("KIT SANDBOX WARNING: bubblewrap") == 1, result.stderr[-2000:]
    graded = json.loads((tmp_path / "out.json").read_text())
    full = sum(corpus.full_points("tensors").values())
    assert graded["score"] == graded["max_score"] == full, graded


def _process_with(marker: str) -> list[int]:
    """Host pids of processes whose command line holds `marker`."""
    found = []
    for name in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{name}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(name))
        except OSError:
            continue
    return found


def test_a_process_started_in_a_new_session_stays_in_the_notebooks_cgroup(tmp_path):
    """The kernel caps what all of a notebook's processes use, however they were started, and
    the notebook's cgroup goes with it."""
    worker = StudentProcess(tmp_path, SMALL)
    try:
        assert run(worker, "print(1)") == "1\n"
        zygote = GradingRun.instance().sandbox
        if not zygote.notebook_cgroups:
            pytest.skip(f"no cgroup per notebook on this machine: {zygote.cgroups_why or 'the zygote could not use it'}")
        marker = f"{os.getpid()}{time.monotonic_ns()}"[-12:]
        assert run(worker, "import subprocess\nsubprocess.Popen(['sleep', '3" + marker + "'], start_new_session=True,"
                           " stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)\nprint('started')") == "started\n"
        time.sleep(0.2)
        [daemon] = _process_with("3" + marker)
        folders = zygote.cgroups.folders
        memberships = {}
        for key, folder in folders.items():
            holding = []
            for name in os.listdir(folder):
                if os.path.isdir(os.path.join(folder, name)):
                    with open(os.path.join(folder, name, "cgroup.procs")) as f:
                        if str(daemon) in f.read().split():
                            holding.append(os.path.join(folder, name))
            [memberships[key]] = holding
        pids_max = os.path.join(memberships.get("unified") or memberships["pids"], "pids.max")
        with open(pids_max) as f:
            assert int(f.read()) == SMALL.processes + 2  # the notebook's keeper and init too
    finally:
        worker.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and (_process_with("3" + marker)
                                           or any(os.path.exists(path) for path in memberships.values())):
        time.sleep(0.1)
    assert not _process_with("3" + marker)
    assert not any(os.path.exists(path) for path in memberships.values()), memberships


def test_memory_spread_over_processes_is_capped(worker):
    """RLIMIT_DATA is per process: four processes of 300 MiB each pass a 600 MiB limit only together."""
    with pytest.raises(StudentProcessGone, match="more than 600 MiB of memory"):
        worker.run_cell("import os, time\nfor _ in range(4):\n    if os.fork() == 0:\n"
                        "        block = b'x' * (300 * 2**20)\n        time.sleep(30)\n        os._exit(0)\n"
                        "time.sleep(30)", "cell 1")


def test_gpu_memory_is_what_the_gpus_hold_above_the_notebooks_start():
    from autograder.sandbox.inside.gpu_memory import GpuMemory
    readings = iter([1000, 1000, 5000, 3000, 2500, 6000])
    watch = GpuMemory(lambda: next(readings))
    watch.start()
    assert watch.in_use() == 4000
    watch.start()  # the next notebook, while the last one's memory is still being freed
    assert watch.in_use() == 0
    assert watch.in_use() == 3500


@pytest.mark.skipif(not __import__("autograder.grading.device", fromlist=["available"]).available("cuda"),
                    reason="no cuda device on this machine: GPU memory is watched only where there are GPUs")
def test_gpu_memory_over_its_limit_stops_the_notebook(tmp_path):
    limits = Limits(cell_seconds=60, call_seconds=60, gpu_memory_mb=2048)
    honest = StudentProcess(tmp_path, limits)
    assert run(honest, "import torch, time\nx = torch.ones(1000, device='cuda')\ntime.sleep(1)\nprint(int(x.sum()))") == "1000\n"
    honest.close()
    greedy = StudentProcess(tmp_path, limits)
    with pytest.raises(StudentProcessGone, match="more than 2048 MiB of GPU memory"):
        greedy.run_cell("import torch, time\nx = torch.ones(2**31, device='cuda')\ntime.sleep(30)", "cell 1")
    greedy.close()


def _secret_files() -> list:
    """What no student may see: the reference solutions, the hidden tests, the source notebooks."""
    return [*ROOT.glob("solutions/*.py"), *ROOT.glob("hidden_tests/*.py"), *ROOT.glob("source/*/*.ipynb")]


@needs_bubblewrap
def test_no_file_inside_the_sandbox_is_a_solution_hidden_test_or_source_notebook(tmp_path):
    """Every file the student's process can reach of a secret file's size is hashed there and
    compared with the course's secret files, so a copy under any name or path (an installed
    package, say) is found."""
    import hashlib
    secrets = {hashlib.sha256(path.read_bytes()).hexdigest(): str(path.relative_to(ROOT)) for path in _secret_files()
               if path.stat().st_size > 0}
    sizes = sorted({path.stat().st_size for path in _secret_files()} - {0})
    worker = StudentProcess(tmp_path, Limits(cell_seconds=300, call_seconds=300, cpu_seconds=300, notebook_seconds=600))
    try:
        out = run(worker, f"""
import hashlib, os
secrets = {sorted(secrets)!r}
sizes = {sizes!r}  # only a file of a secret's size can be a copy of it
found, seen = [], 0
for top, dirs, files in os.walk("/"):
    dirs[:] = [d for d in dirs if os.path.join(top, d) not in ("/proc", "/sys", "/dev")]
    for name in files:
        path = os.path.join(top, name)
        try:
            if os.path.islink(path) or not os.path.isfile(path):
                continue
            seen += 1
            if os.path.getsize(path) not in sizes:
                continue
            with open(path, "rb") as f:
                digest = hashlib.sha256(f.read()).hexdigest()
        except OSError:
            continue
        if digest in secrets:
            found.append(path)
print(seen, found)
""")
    finally:
        worker.close()
    seen, found = out.split(" ", 1)
    assert int(seen) > 1000, out  # the walk did reach the Python installation
    assert found.strip() == "[]", f"visible inside the sandbox: {found} (copies of {sorted(secrets.values())[:5]}...)"


def test_an_installed_kit_ships_no_solution_hidden_test_or_source_notebook(tmp_path):
    """A wheel (what a plain `pip install .` installs into the Python the sandbox shows) holds
    the engine only: the lesson's secrets stay in the course folder."""
    import shutil
    import zipfile
    source = tmp_path / "kit"  # built from a copy: setuptools leaves build/ in the tree it builds
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(".venv", ".git", "__pycache__", "build", "*.egg-info"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
                    str(source)], check=True, capture_output=True, timeout=300)
    [wheel] = tmp_path.glob("*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(name.startswith("autograder/grading/") for name in names), names
    leaked = [name for name in names if name.startswith(("solutions/", "hidden_tests/", "source/"))
              or name.endswith(".ipynb")]
    assert leaked == [], leaked


GRADER_USER = os.environ.get("KIT_TEST_GRADER_USER", "kit-grader")


def _has_subordinate_uids(user: str) -> bool:
    try:
        with open("/etc/subuid") as f:
            return any(line.startswith(f"{user}:") for line in f)
    except OSError:
        return False


@needs_bubblewrap
def test_a_grader_without_root_runs_each_notebook_as_a_subordinate_uid_of_its_own(tmp_path):
    """As on an instructor's laptop: the grader is a plain user with a subordinate uid range."""
    import pwd
    import shutil
    import tempfile
    try:
        user = pwd.getpwnam(GRADER_USER)
    except KeyError:
        pytest.skip(f"needs a user {GRADER_USER!r} to grade as (.ci/run creates it)")
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs a root test run to switch to the unprivileged grader")
    if not (_has_subordinate_uids(GRADER_USER) and shutil.which("newuidmap")):
        pytest.skip(f"{GRADER_USER!r} has no subordinate uids or newuidmap is missing (.ci/run and ./kit setup add them)")
    folder = tempfile.mkdtemp(prefix="kit-subuid-")
    os.chown(folder, user.pw_uid, user.pw_gid)
    script = ("import json, sys\n"
              "from autograder.grading.student_process import StudentProcess\n"
              "uids = []\n"
              "for _ in range(3):\n"
              "    worker = StudentProcess(sys.argv[1])\n"
              "    reply = worker.run_cell('import os\\nprint(os.getuid(), os.getgid(), open(\"/proc/self/uid_map\").read().split())', 'cell 1')\n"
              "    uids.append(''.join(o.get('text', '') for o in reply['outputs']))\n"
              "    worker.close()\n"
              "print(json.dumps(uids))\n")
    try:
        result = subprocess.run(["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
                                 sys.executable, "-c", script, folder], cwd=ROOT, capture_output=True, text=True,
                                timeout=300, env=dict(os.environ, HOME=folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "runs as the grader's own user" not in result.stderr, result.stderr[-2000:]
    printed = json.loads(result.stdout.splitlines()[-1])
    uids = [line.split()[0] for line in printed]
    assert len(set(uids)) == 3 and "0" not in uids and str(user.pw_uid) not in uids, printed
    # The notebook's uid is one of the grader's subordinate uids on the host, not the grader's own.
    first_map = printed[0].split("[", 1)[1]
    assert f"'{user.pw_uid}'" in first_map and "'1'" in first_map, printed


def test_the_limits_table_of_the_threat_model_names_every_limit_with_its_default():
    """Limits are declared once (sandbox.Limits); the documentation's table follows them."""
    import re
    table = dict(re.findall(r"^\| `(\w+)` \| ([^|]+)\|", (ROOT / "docs" / "threat-model.md").read_text(), re.MULTILINE))
    limits = Limits()
    for name, value in limits.values().items():
        assert name in table, f"docs/threat-model.md has no row for Limits.{name}"
        assert table[name].startswith(f"{value:g} "), f"Limits.{name} is {value:g}, the table says {table[name]!r}"
    assert set(table) <= set(limits.values()), set(table) - set(limits.values())


def test_limits_are_read_from_nbgrader_configuration():
    from traitlets.config import Config
    config = Config()
    config.Limits.cell_seconds = 7.5
    config.Limits.memory_mb = 300
    limits = Limits(config=config)
    assert (limits.cell_seconds, limits.memory_mb, limits.disk_mb) == (7.5, 300, 1024)
