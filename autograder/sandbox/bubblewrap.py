"""The bubblewrap backend: the zygote in a `bwrap` sandbox, on a Unix socket passed as a file descriptor.

- bubblewrap: new mount, pid, network, IPC and UTS namespaces. Only /usr, /etc, the Python
  installation and the .py files of inside/ are visible, read-only; nothing of the course
  (autograder/, solutions/, source/, the gradebook, other submissions). A student process's
  only writable place is its own scratch folder on a size-limited tmpfs.
- each student process runs as a uid of its own, unique within the grading run, with no
  capabilities and no_new_privs, so they cannot signal, trace or read one another: a uid of the
  machine's when the grader runs as root; without root, one of the grader user's subordinate uids
  (/etc/subuid, mapped by newuidmap into a user namespace the sandbox runs in).
- per student process: rlimits on CPU time (soft = hard, so SIGXCPU cannot be caught into more
  time), file size, processes and data; a cgroup of its own where the machine allows it
  (inside/cgroups.py), in which the kernel caps memory (with the scratch files) and processes,
  and gives it a CPU share of its own (else the zygote keeps the share: inside/cpu_share.py);
  the zygote kills one whose memory (the cgroup's anonymous memory, else the RSS of all its
  processes), process/thread count or GPU memory (inside/gpu_memory.py) passes its limit.
  RLIMIT_AS is not used: torch reserves far more address space than it uses.

Where a protection is not available here (no bubblewrap, not root: protections.py), grading
goes on and the grader says so once, loudly; without bubblewrap the zygote runs unconfined.
"""
from __future__ import annotations

import itertools
import json
import logging
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from autograder.sandbox.backend import Sandbox
from autograder.sandbox.inside import cgroups
from autograder.sandbox.limits import MiB, Limits
from autograder.sandbox.protections import SubordinateIds, protections
from autograder.sandbox.zygote_client import ZygoteChannel, ZygoteGone, fork_request, student_env

log = logging.getLogger(__name__)
INSIDE_DIR = Path(__file__).parent / "inside"  # the zygote and the files it imports: all bound into the sandbox
KIT_DIR_INSIDE = "/kit"  # where they are seen inside the sandbox
SCRATCH_INSIDE = "/scratch"
UID_BASE = 100_000


def inside_files() -> list[Path]:
    """What of the kit the sandbox sees: every .py file of inside/, as the folder lists them."""
    return sorted(INSIDE_DIR.glob("*.py"))


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
    for path in inside_files():
        command += ["--ro-bind", str(path), f"{KIT_DIR_INSIDE}/{path.name}"]
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


class BubblewrapSandbox(Sandbox):
    """The zygote in bubblewrap (or unconfined, where bubblewrap is not usable), asked over a
    Unix socket whose other end its process gets as a file descriptor (ZygoteChannel)."""

    def __init__(self, limits: Limits, earlier: Sandbox | None = None, **kwargs):
        super().__init__(limits, earlier, **kwargs)
        # a property of the host: probed once per grading run, and what is missing said once
        self.protections = earlier.protections if isinstance(earlier, BubblewrapSandbox) else protections()
        for gap in self.protections.missing():
            self.warn_once(gap)
        self.channel = ZygoteChannel()
        # the notebooks' numbers (their uids) go on from the sandbox this one replaces in the grading run
        self._notebooks = earlier._notebooks if isinstance(earlier, BubblewrapSandbox) else itertools.count()
        self.cgroups, self.cgroups_why = cgroups.RunCgroups.create(f"kit-run-{os.getpid()}-{time.monotonic_ns()}")
        self.process: subprocess.Popen | None = None
        self._started = False  # its imports run while nbgrader gets on with its own work

    def start_zygote(self) -> None:
        if self.protections.bubblewrap:
            prefix = bubblewrap_command(self.limits, self.cgroups, self.protections.subordinate)
            script, scratch = f"{KIT_DIR_INSIDE}/zygote.py", SCRATCH_INSIDE
            mode = "sandboxed"
            seen = self.cgroups.inside() if self.cgroups else None
        else:
            import tempfile
            self._scratch_root = tempfile.mkdtemp(prefix="kit-scratch-")
            os.chmod(self._scratch_root, 0o711)
            prefix, script, scratch, mode = [], str(INSIDE_DIR / "zygote.py"), self._scratch_root, "unconfined"
            seen = self.cgroups.folders if self.cgroups else None
        self.scratch_root = scratch
        control_fd = self.channel.zygote_fd()
        self.process = subprocess.Popen(
            [*prefix, sys.executable, script, str(control_fd), mode, json.dumps(seen)],
            env=student_env(), pass_fds=(control_fd,), stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.channel.handed_over()

    def _wait_until_started(self) -> None:
        if self._started:
            return
        from autograder.sandbox.inside import wire
        try:
            ready = self.channel.ready(self.limits.start_seconds)
        except wire.WireError as exc:
            self.close()
            raise ZygoteGone(f"the grading sandbox did not start ({exc})") from None
        self._started = True
        if ready.get("threads", 1) > 1:
            log.warning("the zygote has %s threads before forking; children may hang", ready["threads"])
        self.contained = ready.get("contained") is True
        if self.protections.bubblewrap and not self.contained:
            self.warn_once(f"notebooks cannot get pid and mount namespaces of their own here "
                      f"({str(ready.get('why'))[:200]}), so a process a notebook leaves running can outlive "
                      f"it and notebooks share /tmp")
        self.notebook_cgroups = ready.get("cgroups") is True
        if not self.notebook_cgroups:
            why = ready.get("cgroups_why") if self.cgroups else self.cgroups_why
            self.warn_once(f"notebooks get no cgroup of their own here ({str(why)[:200]}), so the kernel does not "
                      f"enforce their memory and process limits: the sandbox watches them every "
                      f"0.1 s (with RLIMIT_DATA behind memory, and RLIMIT_NPROC only with root), and a "
                      f"fast allocation can pass the memory limit before it is seen; give the grader "
                      f"root or a delegated cgroup (KIT_CGROUP_PARENT)")
        if ready.get("cpu_cgroups") is not True:
            self.warn_once(f"notebooks get no CPU share from the kernel here (no cgroup cpu controller for this "
                      f"grading run), so the sandbox keeps each notebook to its {self.limits.cpus:g} CPU itself: "
                      f"it adds up the notebook's CPU time every 0.1 s and stops its processes (SIGSTOP) while it "
                      f"is over its share. Between two checks a notebook can take every core, and the CPU time of "
                      f"a process that started and ended between two checks without being waited for is not "
                      f"counted, so a CPU hog can still slow a notebook graded beside it; give the grader root "
                      f"or a delegated cgroup with the cpu controller (KIT_CGROUP_PARENT)")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def _ask(self, request: dict, fds=()) -> dict:
        self._wait_until_started()
        from autograder.sandbox.inside import wire
        try:
            reply = self.channel.ask(request, fds)
        except (OSError, wire.WireError) as exc:
            self.close()
            raise ZygoteGone(f"the grading sandbox stopped ({exc})") from None
        if type(reply) is not dict or not reply.get("ok"):
            error = reply.get("error") if type(reply) is dict else None
            raise ZygoteGone(f"the grading sandbox refused {request['op']}"
                             + (f" ({error[:300]})" if type(error) is str else ""))
        return reply

    def fork(self, files: dict[str, bytes], request_fd: int, reply_fd: int, limits: Limits, limit_data: bool) -> int:
        number = next(self._notebooks)
        # A uid of its own per notebook, unique within this grading run (100,000 notebooks, or the
        # size of the subordinate range), and apart from those of other grading runs on the machine
        # unless their pids collide (with root; the subordinate range is shared by a user's runs).
        if not self.protections.own_uid:
            uid = None
        elif self.protections.subordinate is not None:
            uid = 1 + number % self.protections.subordinate.count
        else:
            uid = UID_BASE + (os.getpid() % 20_000) * 100_000 + number % 100_000
        request = fork_request(files, uid, self.scratch_root, limits, limit_data)
        return int(self._ask(request, (request_fd, reply_fd))["pid"])

    def end(self, pid: int, wait: bool = True) -> dict:
        return self._ask({"op": "end", "pid": pid, "wait": wait})

    def close(self) -> None:
        try:
            self.channel.close()
        finally:
            if self.process is not None:
                if self.process.poll() is None:
                    try:
                        os.killpg(self.process.pid, 9)
                    except ProcessLookupError:
                        pass
                self.process.wait()
            if self.cgroups is not None:
                self.cgroups.remove()
            if not self.protections.bubblewrap and hasattr(self, "_scratch_root"):
                shutil.rmtree(self._scratch_root, ignore_errors=True)
