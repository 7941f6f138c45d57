"""Where student code runs: a pre-warmed zygote in a bubblewrap sandbox, forking one child per notebook.

The zygote (zygote.py) imports torch, IPython and matplotlib once, then forks a child for
each notebook, so a notebook starts in milliseconds instead of seconds. The sandbox:

- bubblewrap: new mount, pid, network, IPC and UTS namespaces. Only /usr, /etc, the Python
  installation and the two worker files are visible, read-only; nothing of the course
  (autograder/, solutions/, source/, the gradebook, other submissions). The child's only
  writable place is its own scratch folder on a size-limited tmpfs.
- each child runs as a uid of its own, unique within the grading run, with no capabilities and
  no_new_privs, so children cannot signal, trace or read one another: a uid of the machine's
  when the grader runs as root; without root, one of the grader user's subordinate uids
  (/etc/subuid, mapped by newuidmap into a user namespace the sandbox runs in).
- per child: rlimits on CPU time (soft = hard, so SIGXCPU cannot be caught into more time),
  file size, processes and data; a cgroup of its own where the machine allows it
  (cgroups.py), in which the kernel caps memory (with the scratch files) and processes; the
  zygote kills a child whose memory (the cgroup's anonymous memory, else the RSS of all its
  processes), process/thread count or GPU memory (gpu_memory.py) passes its limit.
  RLIMIT_AS is not used: torch reserves far more address space than it uses.

Where a protection is not available here (no bubblewrap, not root), grading goes on and the
grader says so once, loudly. The grader talks to the zygote over a Unix socket; each child
gets its own pair of pipes (see student_process.StudentProcess).
"""
from __future__ import annotations

import atexit
import itertools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets import Float, Integer
from traitlets.config import Configurable

from autograder.sandbox.inside import cgroups

log = logging.getLogger(__name__)
WORKER_DIR = Path(__file__).parent / "inside"
KIT_DIR_INSIDE = "/kit"  # where zygote.py and the files it imports are seen inside the sandbox
SCRATCH_INSIDE = "/scratch"
MiB = 1 << 20
UID_BASE = 100_000


class Limits(Configurable):
    """What a student's notebook may use: the one place the limits are declared.

    Set in nbgrader_config.py (`c.Limits.cell_seconds = 60`) or on nbgrader's command line
    (`--Limits.cell_seconds=60`); `Limits(cell_seconds=20)` in code. What a student is told when
    a limit is hit is in docs/threat-model.md, whose table a test keeps in step with these traits.
    """

    cell_seconds = Float(60.0, help="Seconds (wall clock) one notebook cell may run.").tag(config=True)
    call_seconds = Float(60.0, help="Seconds (wall clock) one call of student code by a hidden test may run."
                         ).tag(config=True)
    notebook_seconds = Float(600.0, help="Seconds (wall clock) for the whole notebook: cells and hidden tests."
                             ).tag(config=True)
    cpu_seconds = Integer(600, help="CPU seconds of the notebook's processes (RLIMIT_CPU, soft = hard)."
                          ).tag(config=True)
    memory_mb = Integer(2048, help="MiB of resident memory for all the notebook's processes.").tag(config=True)
    gpu_memory_mb = Integer(16384, help="MiB of GPU memory for the notebook, on a grader with NVIDIA GPUs "
                                        "(see inside/gpu_memory.py).").tag(config=True)
    processes = Integer(256, help="Processes plus threads the notebook may run at once.").tag(config=True)
    file_size_mb = Integer(256, help="MiB for one file written by student code (RLIMIT_FSIZE).").tag(config=True)
    disk_mb = Integer(1024, help="MiB for all files in the notebook's scratch folder (a tmpfs).").tag(config=True)
    notebook_mb = Integer(50, help="MiB of a submitted notebook file; a larger one is not read and scores 0 "
                                   "with its size and this bound.").tag(config=True)
    files_mb = Integer(64, help="MiB of the submission folder's files (the notebook among them) copied into "
                                "the scratch folder.").tag(config=True)
    start_seconds = Float(120.0, help="Seconds for the sandbox's imports, once per grading run.").tag(config=True)
    max_reply_mb = Integer(64, help="MiB of one answer from the student's process.").tag(config=True)

    def values(self) -> dict:
        return {name: getattr(self, name) for name in sorted(self.class_trait_names(config=True))}

    def __repr__(self) -> str:
        return f"Limits({', '.join(f'{k}={v!r}' for k, v in self.values().items())})"

    def for_child(self, uid, limit_data: bool) -> dict:
        return {"cpu_seconds": int(self.cpu_seconds), "file_bytes": self.file_size_mb * MiB,
                "disk_bytes": self.disk_mb * MiB,
                "memory_bytes": self.memory_mb * MiB, "processes": self.processes,
                "gpu_memory_bytes": self.gpu_memory_mb * MiB,
                # RLIMIT_NPROC counts every process of the uid: only meaningful for a uid of its own
                "nproc_rlimit": uid is not None,
                # The zygote's watch on resident memory is the limit; RLIMIT_DATA is a backstop for
                # allocations faster than the watch. On cuda the driver maps memory of its own.
                "data_bytes": 2 * self.memory_mb * MiB if limit_data else None}


@dataclass
class SubordinateIds:
    """The grader user's subordinate uid and gid ranges, which newuidmap maps for a grader without root."""

    uid_start: int
    gid_start: int
    count: int

    @classmethod
    def find(cls) -> "SubordinateIds | None":
        if not (shutil.which("newuidmap") and shutil.which("newgidmap")):
            return None
        import pwd
        names = {str(os.geteuid())}
        try:
            names.add(pwd.getpwuid(os.geteuid()).pw_name)
        except KeyError:
            pass
        uids, gids = _first_range("/etc/subuid", names), _first_range("/etc/subgid", names)
        if uids is None or gids is None or min(uids[1], gids[1]) < 2:
            return None
        return cls(uids[0], gids[0], min(uids[1], gids[1]))

    def unshare_command(self) -> list[str]:
        """Run what follows as root of a new user namespace, with inner ids 1..count mapped to the ranges."""
        return ["unshare", "--map-user=0", "--map-group=0",
                f"--map-users={self.uid_start},1,{self.count}", f"--map-groups={self.gid_start},1,{self.count}", "--"]


def _first_range(path: str, names: set[str]) -> tuple[int, int] | None:
    """(start, count) of the first range of /etc/subuid or /etc/subgid that belongs to one of `names`."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        fields = line.strip().split(":")
        if len(fields) == 3 and fields[0] in names and fields[1].isdigit() and fields[2].isdigit():
            return int(fields[1]), int(fields[2])
    return None


@dataclass
class Protections:
    bubblewrap: bool
    own_uid: bool
    subordinate: SubordinateIds | None = None  # the uids of a grader without root

    def missing(self) -> list[str]:
        gaps = []
        if not self.bubblewrap:
            gaps.append("bubblewrap (bwrap) is not usable here, so student code can read the course's "
                        "files (solutions, hidden tests, gradebook), write outside its scratch folder "
                        "and use the network; install Debian's 'bubblewrap'")
        if not self.own_uid:
            gaps.append("without root, and without subordinate uids for this user (Debian's 'uidmap' and a "
                        "range in /etc/subuid and /etc/subgid), every notebook runs as the grader's own "
                        "user: the process limit is only watched (not an rlimit)" + (
                            "" if self.bubblewrap else ", and files of that user are readable"))
        return gaps


def _subordinate_ids_work(ids: SubordinateIds) -> bool:
    probe = subprocess.run([*ids.unshare_command(), "bwrap", "--ro-bind", "/", "/", "--unshare-pid", "true"],
                           capture_output=True, timeout=30)
    if probe.returncode != 0:
        log.warning("subordinate uids of this user could not be mapped: %s", probe.stderr.decode(errors="replace")[:300])
    return probe.returncode == 0


def _bubblewrap_works() -> bool:
    if not shutil.which("bwrap"):
        return False
    probe = subprocess.run(["bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "true"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


_protections: Protections | None = None
_warned: set[str] = set()


def _warn_once(gap: str) -> None:
    if gap not in _warned:
        _warned.add(gap)
        print(f"KIT SANDBOX WARNING: {gap}. Grading goes on without this protection.", file=sys.stderr, flush=True)


def protections() -> Protections:
    """What this machine allows; the first call warns loudly about anything missing."""
    global _protections
    if _protections is None:
        bubblewrap = os.environ.get("KIT_NO_SANDBOX") != "1" and _bubblewrap_works()
        # Without bubblewrap's view of the filesystem another uid may not reach Python itself
        # (under /root, say), so a uid per notebook needs both.
        subordinate = SubordinateIds.find() if bubblewrap and os.geteuid() != 0 else None
        if subordinate is not None and not _subordinate_ids_work(subordinate):
            subordinate = None
        _protections = Protections(bubblewrap=bubblewrap, own_uid=bubblewrap and (os.geteuid() == 0 or subordinate is not None),
                                   subordinate=subordinate)
        for gap in _protections.missing():
            _warn_once(gap)
    return _protections


def _bind_path(path: str) -> list[str]:
    """Mount `path` read-only at the same place, keeping top-level symlinks such as /lib -> usr/lib."""
    if os.path.islink(path) and os.path.dirname(path) == "/":
        return ["--symlink", os.readlink(path), path]
    return ["--ro-bind", path, path]


def _parents(path: str) -> list[str]:
    """Folders above a mount point, traversable by the student's uid (bwrap makes them 0700)."""
    parents = list(Path(path).parents)[-2::-1]  # from the top down, without "/"
    return [arg for parent in parents for arg in ("--perms", "0755", "--dir", str(parent))]


def bubblewrap_command(limits: Limits, run_cgroups: cgroups.RunCgroups | None,
                       subordinate: SubordinateIds | None = None) -> list[str]:
    command = ["bwrap", "--die-with-parent", "--new-session", "--unshare-net", "--unshare-pid",
               "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    if subordinate is not None:
        # bubblewrap runs as root of a user namespace in which uids 1..count are the grader's
        # subordinate uids: the zygote gives each notebook one of them, as a root grader would.
        command = subordinate.unshare_command() + command
    elif os.geteuid() != 0:
        # A grader without root: the zygote gets capabilities in a user namespace of its own, so
        # that it can give each notebook pid and mount namespaces; children drop them all.
        command += ["--unshare-user", "--cap-add", "ALL"]
    for path in ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/etc"]:
        if os.path.lexists(path):
            command += _bind_path(path)
    if os.path.isdir("/var/cache/fontconfig"):  # Graphviz's dot reads fonts fast with the system cache
        command += _parents("/var/cache/fontconfig") + ["--ro-bind", "/var/cache/fontconfig", "/var/cache/fontconfig"]
    for prefix in dict.fromkeys([sys.base_prefix, sys.prefix]):
        if not prefix.startswith("/usr/"):
            command += _parents(prefix) + ["--ro-bind", prefix, prefix]
    command += ["--perms", "0755", "--dir", KIT_DIR_INSIDE]
    for name in ("zygote.py", "wire.py", "cgroups.py", "gpu_memory.py", "lazy_dynamo.py"):
        command += ["--ro-bind", str(WORKER_DIR / name), f"{KIT_DIR_INSIDE}/{name}"]
    if run_cgroups is not None:
        command += run_cgroups.bubblewrap_binds()
    command += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(64 * MiB), "--perms", "1777", "--tmpfs", "/dev/shm",
                "--size", str(limits.disk_mb * MiB), "--perms", "0711", "--tmpfs", SCRATCH_INSIDE,
                "--perms", "0755", "--dir", "/tmp", "--chdir", SCRATCH_INSIDE]
    nvidia = sorted(str(p) for p in Path("/dev").glob("nvidia*"))
    for device in nvidia:  # cuda grading: the GPU devices and what the driver reads in /sys
        command += ["--dev-bind", device, device]
    if nvidia:
        command += ["--ro-bind", "/sys", "/sys"]
    return command


def worker_env() -> dict:
    """The environment of student code: nothing of the grader's own settings."""
    keep = ("PATH", "LANG", "LC_ALL", "CUDA_VISIBLE_DEVICES")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    # Fresh memory is filled with a non-zero byte, so `torch.Tensor(5, 3)` or
    # `torch.empty` shows up as the uninitialised memory it is, not as zeros.
    env["MALLOC_PERTURB_"] = "165"
    env["MPLBACKEND"] = "module://matplotlib_inline.backend_inline"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONNOUSERSITE"] = "1"
    env["PYTORCH_NVML_BASED_CUDA_CHECK"] = "1"  # is_available() must not initialise CUDA before fork
    # One CPU thread: importing torch would otherwise start an OpenMP pool in the zygote, and a
    # forked child that inherits a pool without its threads can hang.
    env["OMP_NUM_THREADS"] = env["MKL_NUM_THREADS"] = "1"
    return env


def read_submission_folder(folder: str | os.PathLike, limit_bytes: int, limit_count: int = 1000) -> dict[str, bytes]:
    """The regular files of a submission folder (no links), up to `limit_bytes` and `limit_count` in all."""
    files, total = {}, 0
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != ".ipynb_checkpoints")
        for name in sorted(names):
            path = Path(top, name)
            if path.is_symlink() or not path.is_file():
                continue
            size = path.stat().st_size
            if total + size > limit_bytes or len(files) >= limit_count:
                log.warning("the submission folder %s holds more than %d files or %d MiB: the rest is not copied",
                            folder, limit_count, limit_bytes >> 20)
                return files
            files[str(path.relative_to(folder))] = path.read_bytes()
            total += size
    return files


class ZygoteGone(Exception):
    """The zygote stopped answering; the next notebook starts a new one."""


class ZygoteHandle:
    """The grader's handle on one zygote process."""

    _uids = itertools.count()
    _runs = itertools.count()

    def __init__(self, limits: Limits):
        self.limits = limits
        self.protections = protections()
        self._sock, child_sock = socket.socketpair()
        self.cgroups, self.cgroups_why = cgroups.RunCgroups.create(f"kit-run-{os.getpid()}-{next(self._runs)}")
        if self.protections.bubblewrap:
            prefix = bubblewrap_command(limits, self.cgroups, self.protections.subordinate)
            script, scratch = f"{KIT_DIR_INSIDE}/zygote.py", SCRATCH_INSIDE
            mode = "sandboxed"
            seen = self.cgroups.inside() if self.cgroups else None
        else:
            import tempfile
            self._scratch_root = tempfile.mkdtemp(prefix="kit-scratch-")
            os.chmod(self._scratch_root, 0o711)
            prefix, script, scratch, mode = [], str(WORKER_DIR / "zygote.py"), self._scratch_root, "unconfined"
            seen = self.cgroups.folders if self.cgroups else None
        self.scratch_root = scratch
        self.process = subprocess.Popen(
            [*prefix, sys.executable, script, str(child_sock.fileno()), mode, json.dumps(seen)],
            env=worker_env(), pass_fds=(child_sock.fileno(),), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        child_sock.close()
        self._started = False  # its imports run while nbgrader gets on with its own work

    def _wait_until_started(self) -> None:
        if self._started:
            return
        # wire imports torch (1.2 s): here, once the zygote's own imports are under way
        from autograder.sandbox.inside import wire
        try:
            ready = wire.receive(self._sock.fileno(), self.limits.start_seconds)
        except wire.WireError as exc:
            self.close()
            raise ZygoteGone(f"the grading sandbox did not start ({exc})") from None
        self._started = True
        if ready.get("threads", 1) > 1:
            log.warning("the zygote has %s threads before forking; children may hang", ready["threads"])
        self.contained = ready.get("contained") is True
        if self.protections.bubblewrap and not self.contained:
            _warn_once(f"notebooks cannot get pid and mount namespaces of their own here "
                       f"({str(ready.get('why'))[:200]}), so a process a notebook leaves running can outlive "
                       f"it and notebooks share /tmp")
        self.notebook_cgroups = ready.get("cgroups") is True
        if not self.notebook_cgroups:
            why = ready.get("cgroups_why") if self.cgroups else self.cgroups_why
            _warn_once(f"notebooks get no cgroup of their own here ({str(why)[:200]}), so the kernel does not "
                       f"enforce their memory and process limits: the sandbox watches them every "
                       f"0.1 s (with RLIMIT_DATA behind memory, and RLIMIT_NPROC only with root), and a "
                       f"fast allocation can pass the memory limit before it is seen; give the grader "
                       f"root or a delegated cgroup (KIT_CGROUP_PARENT)")

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def _ask(self, request: dict, fds=()) -> dict:
        self._wait_until_started()
        from autograder.sandbox.inside import wire
        try:
            socket.send_fds(self._sock, [b"R"], list(fds))
            wire.send(self._sock.fileno(), request)
            reply = wire.from_plain(wire.receive(self._sock.fileno(), 30))
        except (OSError, wire.WireError) as exc:
            self.close()
            raise ZygoteGone(f"the grading sandbox stopped ({exc})") from None
        if type(reply) is not dict or not reply.get("ok"):
            error = reply.get("error") if type(reply) is dict else None
            raise ZygoteGone(f"the grading sandbox refused {request['op']}"
                             + (f" ({error[:300]})" if type(error) is str else ""))
        return reply

    def fork(self, files: dict[str, bytes], request_fd: int, reply_fd: int, limits: Limits, limit_data: bool) -> int:
        """Start a child that serves one notebook, under `limits`, on the given pipe ends; its pid in the sandbox."""
        number = next(self._uids)
        # A uid of its own per notebook, unique within this grading run (100,000 notebooks, or the
        # size of the subordinate range), and apart from those of other grading runs on the machine
        # unless their pids collide (with root; the subordinate range is shared by a user's runs).
        if not self.protections.own_uid:
            uid = None
        elif self.protections.subordinate is not None:
            uid = 1 + number % self.protections.subordinate.count
        else:
            uid = UID_BASE + (os.getpid() % 20_000) * 100_000 + number % 100_000
        # each file as a uint8 tensor: its bytes travel beside the request's JSON, not inside it
        import torch
        files = {name: torch.frombuffer(bytearray(data), dtype=torch.uint8) if data else
                 torch.empty(0, dtype=torch.uint8) for name, data in files.items()}
        request = {"op": "fork", "scratch_root": self.scratch_root, "uid": uid, "files": files,
                   "env": worker_env(), "limits": limits.for_child(uid, limit_data)}
        return int(self._ask(request, (request_fd, reply_fd))["pid"])

    def end(self, pid: int, wait: bool = True) -> dict:
        """Kill child `pid` and what it started; how it ended: exit_code, cpu_seconds, peak_mib, reason.

        `wait=False` is for a child the grader is done with: the answer comes without waiting
        for the child to be torn down (exit_code is then SIGKILL's)."""
        return self._ask({"op": "end", "pid": pid, "wait": wait})

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, 9)
                except ProcessLookupError:
                    pass
            self.process.wait()
            if self.cgroups is not None:
                self.cgroups.remove()
            if not self.protections.bubblewrap:
                shutil.rmtree(self._scratch_root, ignore_errors=True)


_zygote: ZygoteHandle | None = None


def zygote(limits: Limits) -> ZygoteHandle:
    """The zygote of this grading run, started (or restarted) on first use.

    Only the size of the scratch tmpfs is the zygote's own; every other limit comes with each fork.
    """
    global _zygote
    if _zygote is not None and (not _zygote.alive or _zygote.limits.disk_mb != limits.disk_mb):
        _zygote.close()
        _zygote = None
    if _zygote is None:
        _zygote = ZygoteHandle(limits)
    return _zygote


def start_early() -> None:
    """Start the zygote now, with the default limits, for a process that grades next: its imports
    (torch, IPython) then overlap the grader's own (nbgrader, torch). A course whose
    c.Limits.disk_mb differs restarts it at the first notebook."""
    zygote(Limits())


@atexit.register
def _close_zygote() -> None:
    """At the grader's exit: the zygote's processes and this run's cgroups go too."""
    if _zygote is not None:
        _zygote.close()
